/**
 * A local AWS Secrets Manager speaking the real wire protocol (awsJson1_1), so tests run the
 * real `@aws-sdk/client-secrets-manager` client against it:
 *
 *     POST /   Content-Type: application/x-amz-json-1.1   X-Amz-Target: secretsmanager.<Operation>
 *
 * Implements GetSecretValue, CreateSecret and PutSecretValue. Unknown secrets answer
 * `400 {"__type":"ResourceNotFoundException","message":…}` like AWS. The SigV4 signature is
 * not checked, but an `Authorization: AWS4-HMAC-SHA256 …` header is required, so an unsigned
 * request fails the way it would against AWS. Listens on 127.0.0.1 only.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A seeded secret value: text (`SecretString`) or bytes (`SecretBinary`). */
export type SeededSecret = string | Uint8Array;

/** One request the server answered. */
export interface SecretsManagerCall {
  /** Operation from `X-Amz-Target`, e.g. `GetSecretValue`. */
  operation: string;
  /** `SecretId` or `Name` from the body, when present. */
  secretId?: string;
}

/** Options for {@link startSecretsManagerServer}. */
export interface SecretsManagerServerOptions {
  /**
   * Secrets by ARN or name (a secret seeded by ARN is also found by its name, the ARN's part
   * after `secret:` without the 6-character suffix).
   * @default {}
   */
  secrets?: Record<string, SeededSecret>;
  /**
   * Region used in generated ARNs.
   * @default "us-east-1"
   */
  region?: string;
}

/** A running server. */
export interface SecretsManagerServer {
  /** Endpoint for the SDK's `endpoint` option or `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  url: string;
  /** Every answered request, in order (failed ones included). */
  calls: SecretsManagerCall[];
  /** Adds or replaces a secret's current value. */
  setSecret(id: string, value: SeededSecret): void;
  /** Removes a secret, so reads answer ResourceNotFoundException. */
  deleteSecret(id: string): void;
  close(): Promise<void>;
}

interface StoredSecret {
  arn: string;
  name: string;
  versionId: string;
  value: SeededSecret;
  createdDate: number;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the server on a free 127.0.0.1 port. */
export async function startSecretsManagerServer(options: SecretsManagerServerOptions = {}): Promise<SecretsManagerServer> {
  const { secrets = {}, region = "us-east-1" } = options;
  const byName = new Map<string, StoredSecret>();
  const calls: SecretsManagerCall[] = [];

  // An ARN ends in `:secret:<name>-<6 random characters>`; the name alone finds the secret too.
  const nameOf = (id: string): string =>
    id.startsWith("arn:") ? id.slice(id.indexOf(":secret:") + ":secret:".length).replace(/-[A-Za-z0-9]{6}$/, "") : id;
  const find = (id: string): StoredSecret | undefined => byName.get(nameOf(id));
  const store = (id: string, value: SeededSecret): StoredSecret => {
    const existing = find(id);
    const name = existing?.name ?? nameOf(id);
    const arn = existing?.arn ?? (id.startsWith("arn:") ? id : `arn:aws:secretsmanager:${region}:000000000000:secret:${name}-AbCdEf`);
    const secret = { arn, name, versionId: randomUUID(), value, createdDate: Date.now() / 1000 };
    byName.set(name, secret);
    return secret;
  };
  for (const [id, value] of Object.entries(secrets)) store(id, value);

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetSecretValue(body) {
      const secret = find(requireString(body, "SecretId"));
      if (!secret) throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: secret.createdDate,
        ...valueFields(secret.value),
      };
    },
    CreateSecret(body) {
      const name = requireString(body, "Name");
      if (find(name)) throw new AwsError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
      const secret = store(name, valueOf(body));
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
    },
    PutSecretValue(body) {
      const id = requireString(body, "SecretId");
      if (!find(id)) throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      const secret = store(id, valueOf(body));
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ["AWSCURRENT"] };
    },
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { __type: "InternalServiceError", message: "internal error" });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.startsWith("secretsmanager.") ? target.slice("secretsmanager.".length) : target;
    const text = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const secretId = typeof body.SecretId === "string" ? body.SecretId : typeof body.Name === "string" ? body.Name : undefined;
    calls.push({ operation, ...(secretId !== undefined && { secretId }) });
    try {
      if (request.method !== "POST" || (request.url ?? "/") !== "/") throw new AwsError("UnknownOperationException", "Only POST / is served", 404);
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        throw new AwsError("MissingAuthenticationTokenException", "Request is missing Authentication Token", 403);
      }
      if (!String(request.headers["content-type"] ?? "").startsWith("application/x-amz-json-1.1")) {
        throw new AwsError("SerializationException", "Expected Content-Type application/x-amz-json-1.1");
      }
      const run = operations[operation];
      if (!target.startsWith("secretsmanager.") || !run) throw new AwsError("UnknownOperationException", `Unsupported operation ${target}`);
      sendJson(response, 200, run(body));
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      sendJson(response, error.status, { __type: error.type, message: error.message });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setSecret: (id, value) => void store(id, value),
    deleteSecret: (id) => {
      const secret = find(id);
      if (secret) byName.delete(secret.name);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") throw new AwsError("InvalidParameterException", `${field} is required`);
  return value;
}

function valueOf(body: Record<string, unknown>): SeededSecret {
  if (typeof body.SecretString === "string") return body.SecretString;
  if (typeof body.SecretBinary === "string") return new Uint8Array(Buffer.from(body.SecretBinary, "base64"));
  throw new AwsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
}

function valueFields(value: SeededSecret): { SecretString: string } | { SecretBinary: string } {
  // awsJson1_1 sends blobs as base64 strings; the SDK turns them back into Uint8Array.
  return typeof value === "string" ? { SecretString: value } : { SecretBinary: Buffer.from(value).toString("base64") };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/x-amz-json-1.1",
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": randomUUID(),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
