/**
 * Points `perspective-api-client`'s requests at the configured endpoint, with our timeout, through
 * axios's documented interceptor hook. The library posts to a hard-coded Google URL with the
 * process-wide axios instance and offers no endpoint or timeout option; rather than patch its
 * functions, we register one request interceptor on that axios instance that acts only on requests
 * made inside `withCallSettings` (an AsyncLocalStorage scope), so other axios users are untouched.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import type { AxiosRequestConfig, AxiosStatic } from 'axios';

export interface CallSettings {
  /** Full URL to post to, e.g. `http://127.0.0.1:1234/v1alpha1/comments:analyze`. */
  url: string;
  timeoutMs: number;
  /** Filled in when the call fails at the HTTP layer: axios's error code (`ECONNABORTED` on timeout). */
  outcome: { axiosCode?: string };
}

const LIBRARY_PATH_SUFFIX = '/comments:analyze';
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;
const calls = new AsyncLocalStorage<CallSettings>();
let installed = false;

/** `{endpoint}/comments:analyze`, the AnalyzeComment method of the v1alpha1 API. */
export const analyzeUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, '')}${LIBRARY_PATH_SUFFIX}`;

/** Runs `fn` (which calls the library) so that its HTTP request uses `settings`. */
export function withCallSettings<T>(settings: CallSettings, fn: () => Promise<T>): Promise<T> {
  install();
  return calls.run(settings, fn);
}

function install(): void {
  if (installed) return;
  const axios = libraryAxios();
  axios.interceptors.request.use((config: AxiosRequestConfig) => {
    const settings = calls.getStore();
    if (!settings) return config;
    if (!config.url?.endsWith(LIBRARY_PATH_SUFFIX)) {
      // The library changed its URL scheme: refuse rather than send the key somewhere unexpected.
      throw new Error('perspective-api-client posted to an unexpected URL; check the library version');
    }
    return {
      ...config,
      url: settings.url,
      timeout: settings.timeoutMs,
      // Never follow a redirect: the URL carries the key.
      maxRedirects: 0,
      // axios 0.18 routes every request through HTTP(S)_PROXY and ignores NO_PROXY; loopback never needs it.
      ...(LOOPBACK.test(new URL(settings.url).hostname) ? { proxy: false as const } : {}),
    };
  });
  axios.interceptors.response.use(undefined, (err: { code?: string }) => {
    const settings = calls.getStore();
    if (settings) settings.outcome.axiosCode = err?.code;
    return Promise.reject(err);
  });
  installed = true;
}

/**
 * The very axios module the library requires (resolved from the library's own folder), so the
 * interceptor lands on the instance it posts with, whatever npm hoisting does.
 */
function libraryAxios(): AxiosStatic {
  const libraryDir = path.dirname(require.resolve('perspective-api-client'));
  return require(require.resolve('axios', { paths: [libraryDir] })) as AxiosStatic;
}
