#!/usr/bin/env bash
# Offline check of the SST infrastructure: installs SST's platform (Pulumi AWS types, ~320 MB,
# npm registry only) unless the installed one matches the sst package, then type-checks
# sst.config.ts and stacks/ against it. Needs no AWS account; `sst deploy` itself cannot run offline.
set -euo pipefail
cd "$(dirname "$0")/.."

# Without these the CLI downloads Pulumi and Bun from GitHub and reports telemetry.
export SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1 SST_TELEMETRY_DISABLED=1
export SST_STAGE="${SST_STAGE:-ci}"

wanted_version="$(node -p 'require("./node_modules/sst/package.json").version')"
installed_version="$(cat .sst/platform/version 2>/dev/null || true)"
started=$SECONDS
if [[ -f .sst/platform/config.d.ts && -d .sst/platform/node_modules/@pulumi/aws && "$installed_version" == "$wanted_version" ]]; then
  echo "sst-check: SST platform $installed_version already installed in .sst/platform"
else
  echo "sst-check: installing SST platform $wanted_version (stage $SST_STAGE)"
  npx --no-install sst install
  echo "sst-check: sst install took $((SECONDS - started)) s"
fi

started=$SECONDS
npx --no-install tsc -p stacks/tsconfig.json
echo "sst-check: sst.config.ts and stacks/ type-check against SST $wanted_version ($((SECONDS - started)) s)"
