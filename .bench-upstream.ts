import { startFakeUpstream } from "./test/support/fake-upstream";
const up = await startFakeUpstream();
process.stdout.write(up.url + "\n");
setInterval(() => up.reset(), 5000);
