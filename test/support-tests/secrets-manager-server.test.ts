/**
 * The local Secrets Manager through the real `@aws-sdk/client-secrets-manager` client, plus the
 * protocol checks an SDK never trips (missing signature, wrong content type).
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server";

const ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:gateway/master-AbCdEf";

let server: SecretsManagerServer;
let client: SecretsManagerClient;

beforeAll(async () => {
  server = await startSecretsManagerServer({ secrets: { [ARN]: '{"current":1}', "plain-name": "value" } });
  client = new SecretsManagerClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
});
beforeEach(() => {
  server.calls.length = 0;
});

describe("local Secrets Manager (awsJson1_1)", () => {
  it("serves a seeded secret by ARN and by name, with AWS's response fields", async () => {
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: ARN }));
    expect(byArn).toMatchObject({ ARN, Name: "gateway/master", SecretString: '{"current":1}', VersionStages: ["AWSCURRENT"] });
    expect(byArn.CreatedDate).toBeInstanceOf(Date);
    const byName = await client.send(new GetSecretValueCommand({ SecretId: "gateway/master" }));
    expect(byName.VersionId).toBe(byArn.VersionId);
    expect(server.calls).toEqual([
      { operation: "GetSecretValue", secretId: ARN },
      { operation: "GetSecretValue", secretId: "gateway/master" },
    ]);
  });

  it("answers ResourceNotFoundException for an unknown secret", async () => {
    const error = await client.send(new GetSecretValueCommand({ SecretId: "missing" })).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toBe("Secrets Manager can't find the specified secret.");
    expect(server.calls).toHaveLength(1);
  });

  it("creates and updates secrets, including binary ones", async () => {
    const created = await client.send(new CreateSecretCommand({ Name: "new/secret", SecretString: "one" }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:new\/secret-/);
    await expect(client.send(new CreateSecretCommand({ Name: "new/secret", SecretString: "again" }))).rejects.toBeInstanceOf(ResourceExistsException);
    const put = await client.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretBinary: new Uint8Array([1, 2, 3]) }));
    expect(put.VersionId).not.toBe(created.VersionId);
    const read = await client.send(new GetSecretValueCommand({ SecretId: "new/secret" }));
    expect(read.SecretString).toBeUndefined();
    expect(read.SecretBinary).toEqual(new Uint8Array([1, 2, 3]));
    await expect(client.send(new PutSecretValueCommand({ SecretId: "absent", SecretString: "x" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("lets a test change or remove a secret between calls", async () => {
    server.setSecret("plain-name", "changed");
    expect((await client.send(new GetSecretValueCommand({ SecretId: "plain-name" }))).SecretString).toBe("changed");
    server.deleteSecret("plain-name");
    await expect(client.send(new GetSecretValueCommand({ SecretId: "plain-name" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("requires a SigV4 Authorization header and the JSON 1.1 content type", async () => {
    const body = JSON.stringify({ SecretId: ARN });
    const unsigned = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue" },
      body,
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ __type: "MissingAuthenticationTokenException" });

    const wrongType = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Amz-Target": "secretsmanager.GetSecretValue", Authorization: "AWS4-HMAC-SHA256 Credential=test" },
      body,
    });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ __type: "SerializationException" });

    const unknown = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.RotateSecret", Authorization: "AWS4-HMAC-SHA256 Credential=test" },
      body,
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: "UnknownOperationException" });
  });
});
