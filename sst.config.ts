/// <reference path="./.sst/platform/config.d.ts" />

/**
 * modelgate on AWS with SST v4: `npx sst deploy --stage production`.
 * This file only wires the stacks; each lives in `stacks/` by concern (README, "Deploy to AWS with SST").
 * Provider packages must not be imported here: SST provides `sst`, `aws` and `$…` as globals.
 */
export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "modelgate",
      home: "aws",
      // Production keeps its data-bearing resources on `sst remove`; other stages clean up.
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    const secrets = await import("./stacks/secrets");
    const { api } = await import("./stacks/api");
    await import("./stacks/cron");
    return {
      api: api.url,
      keyEncryptionSecretArn: secrets.keyEncryptionSecret.arn,
    };
  },
});
