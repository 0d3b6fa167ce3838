/**
 * Lambda event fixtures and a stand-in for the Node.js runtime's `awslambda` global.
 *
 * Fixtures (test/fixtures/lambda/) are full events as API Gateway and EventBridge Scheduler send
 * them; tests change only what a real client would (body, Authorization header).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Writable } from "node:stream";

const fixturesDirectory = resolve(import.meta.dirname, "../fixtures/lambda");

/** An API Gateway event: REST (v1) or HTTP API / Function URL (v2). */
export type ApiGatewayEvent = Record<string, any>;

/** A deep copy of a fixture, e.g. `api-gateway-v1-get-health`. */
export function loadLambdaEvent<T = ApiGatewayEvent>(name: string): T {
  return JSON.parse(readFileSync(resolve(fixturesDirectory, `${name}.json`), "utf8")) as T;
}

/** True for a REST API (payload 1.0) event. */
export function isRestEvent(event: ApiGatewayEvent): boolean {
  return event.version !== "2.0";
}

/** Replaces the JSON body, encoded the way the fixture's API sends bodies (base64 or text). */
export function withJsonBody(event: ApiGatewayEvent, body: unknown): ApiGatewayEvent {
  const text = JSON.stringify(body);
  return { ...event, body: event.isBase64Encoded ? Buffer.from(text).toString("base64") : text };
}

/** Sets one header, in `multiValueHeaders` too for a REST event (Hono prefers those). */
export function withHeader(event: ApiGatewayEvent, name: string, value: string): ApiGatewayEvent {
  if (!isRestEvent(event)) return { ...event, headers: { ...event.headers, [name.toLowerCase()]: value } };
  return {
    ...event,
    headers: { ...event.headers, [name]: value },
    multiValueHeaders: { ...event.multiValueHeaders, [name]: [value] },
  };
}

/** A buffered Lambda proxy result. */
export interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

/** The decoded body of a buffered result. */
export function resultText(result: ProxyResult): string {
  return result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
}

/** A header of a buffered result, from `headers` or `multiValueHeaders`. */
export function resultHeader(result: ProxyResult, name: string): string | undefined {
  const lower = name.toLowerCase();
  const single = Object.entries(result.headers ?? {}).find(([key]) => key.toLowerCase() === lower)?.[1];
  return single ?? Object.entries(result.multiValueHeaders ?? {}).find(([key]) => key.toLowerCase() === lower)?.[1]?.join(", ");
}

/** What a streamed invocation sent: the HTTP prelude and the body, split as API Gateway splits them. */
export interface StreamedResponse {
  contentType: string | undefined;
  prelude: { statusCode: number; headers: Record<string, string>; cookies?: string[] };
  body: string;
  /** Body chunks in the order they were written (one SSE event usually per chunk). */
  chunks: string[];
}

const PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DELIMITER_LENGTH = 8;

/**
 * The response stream the runtime hands a streaming handler: a Writable with `setContentType`,
 * which runs `_onBeforeFirstWrite` (set by `HttpResponseStream.from`) before the first chunk.
 */
class ResponseStreamStandIn extends Writable {
  contentType: string | undefined;
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
  readonly written: Buffer[] = [];
  private wroteFirst = false;

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.wroteFirst) {
      this.wroteFirst = true;
      this._onBeforeFirstWrite?.((data) => this.written.push(Buffer.from(data)));
    }
    this.written.push(Buffer.from(chunk));
    callback();
  }
}

/**
 * Defines `globalThis.awslambda` as the Lambda Node.js runtime does (aws-lambda-nodejs-runtime-
 * interface-client `HttpResponseStream.js`): the prelude is JSON, then 8 NUL bytes, then the body.
 * Must run before a module calling `streamHandle()` is imported.
 */
export function installAwsLambdaGlobal(): void {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse: <T>(handler: T): T => handler,
    HttpResponseStream: {
      from(stream: ResponseStreamStandIn, prelude: unknown) {
        stream.setContentType(PRELUDE_CONTENT_TYPE);
        const metadata = JSON.stringify(prelude);
        stream._onBeforeFirstWrite = (write) => {
          write(metadata);
          write(new Uint8Array(DELIMITER_LENGTH));
        };
        return stream;
      },
    },
  };
}

/** Removes the stand-in again. */
export function removeAwsLambdaGlobal(): void {
  delete (globalThis as Record<string, unknown>).awslambda;
}

type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<void>;

/** Invokes a streaming handler like the runtime does and splits what it wrote. */
export async function invokeStreaming(handler: unknown, event: ApiGatewayEvent, context: unknown = lambdaContext()): Promise<StreamedResponse> {
  const stream = new ResponseStreamStandIn();
  const finished = new Promise<void>((resolveFinished, reject) => {
    stream.once("finish", resolveFinished);
    stream.once("error", reject);
  });
  await (handler as StreamingHandler)(event, stream, context);
  await finished;
  const all = Buffer.concat(stream.written);
  const delimiter = all.indexOf(Buffer.alloc(DELIMITER_LENGTH));
  if (stream.contentType !== PRELUDE_CONTENT_TYPE || delimiter < 0) {
    throw new Error(`no HTTP integration prelude in the stream (content type ${stream.contentType ?? "unset"})`);
  }
  // Chunk boundaries after the prelude's two writes, for assertions about incremental delivery.
  const chunks = stream.written.slice(2).map((chunk) => chunk.toString("utf8"));
  return {
    contentType: stream.contentType,
    prelude: JSON.parse(all.subarray(0, delimiter).toString("utf8")),
    body: all.subarray(delimiter + DELIMITER_LENGTH).toString("utf8"),
    chunks,
  };
}

/** A Lambda context object with the fields handlers read. */
export function lambdaContext(functionName = "modelgate-ci-ApiHandler") {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/26/[$LATEST]abcdef0123456789",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
