/** Types for the parts of `perspective-api-client@3.1.0` (plain JS, no bundled types) that we use. */
declare module 'perspective-api-client' {
  interface AnalyzeOptions {
    attributes?: string[] | Record<string, object>;
    doNotStore?: boolean;
    stripHTML?: boolean;
    truncate?: boolean;
    validate?: boolean;
  }
  interface AnalyzeCommentRequest {
    comment: { text: string };
    languages?: string[];
    requestedAttributes?: Record<string, object>;
  }
  class ResponseError extends Error {
    /** axios's response, when there was one: status, headers, data (and config, which holds the key). */
    response?: { status: number; headers: Record<string, string | undefined>; data: unknown };
  }
  class Perspective {
    constructor(options: { apiKey: string });
    /** Resolves with the response body as parsed by axios (a string when it was not JSON). */
    analyze(text: string | AnalyzeCommentRequest, options?: AnalyzeOptions): Promise<unknown>;
    static ResponseError: typeof ResponseError;
  }
  export = Perspective;
}
