// The console is a client of the public REST API, like curl: a bearer token per request, problems as errors.
const TOKEN_KEY = 'mqtt-status-relay.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An RFC 9457 problem answered by the API: `status`, `detail` and, per field, `errors[{field, rule, message}]`. */
export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.problem = problem;
    this.status = problem.status;
  }
}

/** Calls `/api/v1<path>`; resolves with the JSON body (undefined for 204), rejects with an ApiProblem. */
export async function api(method, path, body, headers = {}) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token.get() ?? ''}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (response.ok) return data;
  if (response.status === 401 && path !== '/session') {
    token.clear();
    location.hash = '#/sign-in';
  }
  throw new ApiProblem(data ?? { status: response.status, title: response.statusText });
}

/** A query string from the defined, non-empty values. */
export function query(params) {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}

export const path = (...parts) => parts.map((part) => encodeURIComponent(part)).join('/');
