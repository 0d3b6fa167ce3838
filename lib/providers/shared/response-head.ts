/**
 * What every response of the upstream fetch carries besides its body: the head as received, in
 * the shape a platform `Response` exposes it (the SDKs read `ok`, `status`, `headers`, `url`).
 */

/** Status, status text and headers as received. */
export interface ResponseHeadInit {
  status: number;
  statusText: string;
  headers: Headers;
}

/** The head of a platform-compatible response; subclasses add the body. */
export class ResponseHead {
  readonly type = "basic";
  readonly redirected = false;
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;

  /**
   * @param init status, status text and headers as received
   * @param url the URL the response came from
   */
  constructor(init: ResponseHeadInit, url: string) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.headers = init.headers;
    this.url = url;
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }
}
