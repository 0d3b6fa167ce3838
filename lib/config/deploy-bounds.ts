/**
 * Time bounds the deployment imposes on a chat request, as constants shared by the admin API
 * (what it accepts), the gateway (what it enforces) and the stack's tests (what AWS is given).
 *
 * On AWS, chat completions run on the streaming Lambda (600 s timeout) behind a regional API
 * Gateway REST API, which cuts a response that sends no byte for 5 minutes
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html).
 * A streamed answer keeps bytes flowing; a non-streamed one sends nothing until it is done. Its
 * status must stay free until then (a 429 or 503 after failover is still possible), so instead of
 * writing filler bytes it is bounded: the whole request, every failover attempt included, ends
 * within {@link NON_STREAMED_DEADLINE_MS}, and no provider timeout may exceed it.
 */

/** API Gateway's idle limit on a streamed (or slow) response of a regional endpoint, in ms. */
export const API_GATEWAY_IDLE_LIMIT_MS = 300_000;

/** Longest a non-streamed chat request may take, all attempts included: below the idle limit. */
export const NON_STREAMED_DEADLINE_MS = 290_000;

/** The largest provider timeout the admin API accepts, in ms: a single attempt fits the deadline. */
export const PROVIDER_TIMEOUT_MAX_MS = NON_STREAMED_DEADLINE_MS;
