/**
 * Recording stand-ins for the globals SST defines while it runs `sst.config.ts`
 * (`$config`, `$app`, `$interpolate`, `sst.*`, `aws.*`), so the config can be evaluated offline
 * and its wiring asserted. Outputs are stood in by readable tokens: `<KeyEncryptionSecret.arn>`,
 * `<JwtSecret.value>`; `$interpolate` joins them into plain strings.
 *
 * This checks our own wiring only; the type-check against `.sst/platform` (scripts/sst-check.sh)
 * checks it against SST's real component signatures.
 */

/** One constructed component or Pulumi resource. */
export interface RecordedResource {
  /** The SST/Pulumi type as written in the config, e.g. `sst.aws.Function`, `aws.kms.Key`. */
  type: string;
  name: string;
  args: Record<string, any>;
  /** Pulumi resource options (third constructor argument), if any. */
  options?: Record<string, any>;
  /** The stand-in object itself, to compare links by identity. */
  instance: object;
}

/** One `api.route(...)` call. */
export interface RecordedRoute {
  api: string;
  route: string;
  handler: unknown;
  args: Record<string, any>;
}

/** What evaluating the config created, in order. */
export class SstRecording {
  readonly resources: RecordedResource[] = [];
  readonly routes: RecordedRoute[] = [];
  /** Names of APIs whose `deploy()` was called, with the number of routes existing at that time. */
  readonly deployments: Array<{ api: string; routeCount: number }> = [];

  /** All resources of one type. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The one resource of `type` named `name`; throws when missing, so a test fails with its name. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.find((resource) => resource.type === type && resource.name === name);
    if (!found) throw new Error(`no ${type} named ${name} was created`);
    return found;
  }
}

/** The `$app` values SST derives from `app()` and the stage. */
export interface AppStandIn {
  name: string;
  stage: string;
  removal: "remove" | "retain" | "retain-all";
  protect: boolean;
}

const GLOBAL_NAMES = ["$config", "$app", "$interpolate", "$util", "sst", "aws"] as const;

function token(name: string, property: string): string {
  return `<${name}.${property}>`;
}

/**
 * A class that records each construction and answers `outputs` with tokens.
 * Instances also get any `methods` given.
 */
function recordingClass(recording: SstRecording, type: string, outputs: string[]) {
  return class RecordingResource {
    constructor(name: string, args: Record<string, any> = {}, options?: Record<string, any>) {
      for (const output of outputs) {
        Object.defineProperty(this, output, { value: token(name, output), enumerable: true });
      }
      recording.resources.push({ type, name, args, options, instance: this });
    }
  };
}

function apiGatewayV1Class(recording: SstRecording) {
  return class ApiGatewayV1StandIn {
    readonly url: string;
    private readonly apiName: string;

    constructor(name: string, args: Record<string, any> = {}) {
      this.apiName = name;
      this.url = token(name, "url");
      recording.resources.push({ type: "sst.aws.ApiGatewayV1", name, args, instance: this });
    }

    route(route: string, handler: unknown, args: Record<string, any> = {}) {
      recording.routes.push({ api: this.apiName, route, handler, args });
      return { nodes: {} };
    }

    deploy() {
      const routeCount = recording.routes.filter((route) => route.api === this.apiName).length;
      recording.deployments.push({ api: this.apiName, routeCount });
    }
  };
}

function secretClass(recording: SstRecording) {
  return class SecretStandIn {
    readonly name: string;
    readonly value: string;

    constructor(name: string, placeholder?: string) {
      this.name = name;
      this.value = token(name, "value");
      recording.resources.push({ type: "sst.Secret", name, args: { placeholder }, instance: this });
    }
  };
}

function linkableClass(recording: SstRecording) {
  return class LinkableStandIn {
    readonly name: string;
    readonly properties: Record<string, unknown>;

    constructor(name: string, definition: { properties: Record<string, unknown>; include?: unknown[] }) {
      this.name = name;
      this.properties = definition.properties;
      recording.resources.push({ type: "sst.Linkable", name, args: definition, instance: this });
    }
  };
}

/** `$interpolate`: a tagged template that joins literal parts and tokens into one string. */
function interpolate(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((joined, part, index) => joined + part + (index < values.length ? String(values[index]) : ""), "");
}

/**
 * Defines the stand-in globals and returns the recording they write to. Like SST, `$app` is
 * defined later, from what `app()` returned: call {@link defineSstApp} before `run()`.
 * Call {@link removeSstGlobals} afterwards.
 */
export function installSstGlobals(): SstRecording {
  const recording = new SstRecording();
  const record = (type: string, outputs: string[]) => recordingClass(recording, type, outputs);
  const globals: Record<(typeof GLOBAL_NAMES)[number], unknown> = {
    $config: (config: unknown) => config,
    $app: undefined,
    $interpolate: interpolate,
    $util: {},
    sst: {
      Secret: secretClass(recording),
      Linkable: linkableClass(recording),
      aws: {
        Function: record("sst.aws.Function", ["arn", "name", "url"]),
        ApiGatewayV1: apiGatewayV1Class(recording),
        CronV2: record("sst.aws.CronV2", ["nodes"]),
        permission: (input: Record<string, unknown>) => ({ type: "aws.permission", ...input }),
      },
    },
    aws: {
      getRegionOutput: () => ({ region: "<region>" }),
      kms: {
        Key: record("aws.kms.Key", ["arn", "keyId", "id"]),
        Alias: record("aws.kms.Alias", ["arn", "id"]),
      },
      secretsmanager: {
        Secret: record("aws.secretsmanager.Secret", ["arn", "id", "name"]),
        SecretVersion: record("aws.secretsmanager.SecretVersion", ["arn", "id"]),
      },
    },
  };
  for (const name of GLOBAL_NAMES) (globalThis as Record<string, unknown>)[name] = globals[name];
  return recording;
}

/** Defines `$app`, as SST does between evaluating `app()` and calling `run()`. */
export function defineSstApp(app: AppStandIn): void {
  (globalThis as Record<string, unknown>).$app = Object.freeze({ ...app });
}

/** Removes the stand-in globals again. */
export function removeSstGlobals(): void {
  for (const name of GLOBAL_NAMES) delete (globalThis as Record<string, unknown>)[name];
}

/**
 * Which route API Gateway REST picks for a request path, modelled without backtracking (the
 * cautious reading of the docs): walk the resource tree segment by segment, preferring a literal
 * child; where none matches, take this level's `{proxy+}` child or fail (API Gateway's 403
 * "Missing Authentication Token"). `/{proxy+}` never matches `/` itself.
 */
export function matchRestRoute(routes: RecordedRoute[], path: string): RecordedRoute | undefined {
  const byPath = new Map(routes.map((route) => [route.route.slice(route.route.indexOf(" ") + 1), route]));
  const resourcePaths = [...byPath.keys()];
  const segments = path.split("/").filter(Boolean);
  let current = "";
  for (const segment of segments) {
    const literal = `${current}/${segment}`;
    // A literal resource exists if some route lives at or below it.
    if (resourcePaths.some((resource) => resource === literal || resource.startsWith(`${literal}/`))) {
      current = literal;
      continue;
    }
    return byPath.get(`${current}/{proxy+}`);
  }
  return byPath.get(current === "" ? "/" : current);
}
