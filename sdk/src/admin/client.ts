import type { operations } from "./schema";

// X402Admin: the merchant management API (/api/v1) for scripts and CI, typed from the OpenAPI
// document through ./schema.ts (generated; a test in the app fails when it and the API drift).
//
//   const admin = new X402Admin({ endpoint: "https://gateway.example.com", apiKey, merchantId });
//   const rule = await admin.pricingRules.create({ pathPattern: "/api/*", price: "0.01", network, asset });

type OperationId = keyof operations;
type Op<K extends OperationId> = operations[K];

/** The JSON body of an operation's 200 response. */
export type AdminResponse<K extends OperationId> =
  Op<K> extends { responses: { 200: { content: { "application/json": infer R } } } } ? R : never;
/** The JSON body an operation takes. */
export type AdminBody<K extends OperationId> =
  Op<K> extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
/** The query parameters an operation takes. */
export type AdminQuery<K extends OperationId> =
  Op<K> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type X402AdminOptions = {
  /** the gateway's origin, e.g. https://gateway.example.com */
  endpoint: string;
  /** an API key of the merchant (`x4g_live_…`) with the scopes the calls need */
  apiKey: string;
  merchantId: string;
  fetch?: typeof fetch;
};

/** The API's error body, as a throwable: `code` is the same table as the console's. */
export class X402AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly fieldErrors: Record<string, string[]>,
  ) {
    super(message);
    this.name = "X402AdminError";
  }
}

type CallOptions = { idempotencyKey?: string };

export class X402Admin {
  readonly #endpoint: string;
  readonly #apiKey: string;
  readonly #merchantId: string;
  readonly #fetch: typeof fetch;

  constructor(options: X402AdminOptions) {
    this.#endpoint = options.endpoint.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#merchantId = options.merchantId;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async #call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; query?: Record<string, unknown>; idempotencyKey?: string } = {},
  ): Promise<T> {
    const url = new URL(
      `${this.#endpoint}/api/v1/merchants/${encodeURIComponent(this.#merchantId)}${path}`,
    );
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined && v !== null)
        url.searchParams.set(k, v instanceof Date ? v.toISOString() : String(v));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#apiKey}`,
      accept: "application/json",
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
    const res = await this.#fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const error = (
        json as {
          error?: {
            code?: string;
            message?: string;
            requestId?: string;
            details?: { fieldErrors?: Record<string, string[]> };
          };
        } | null
      )?.error;
      throw new X402AdminError(
        res.status,
        error?.code ?? "internal",
        error?.message ?? `HTTP ${res.status}`,
        error?.requestId ?? res.headers.get("x-request-id"),
        error?.details?.fieldErrors ?? {},
      );
    }
    return json as T;
  }

  readonly merchant = {
    get: () => this.#call<AdminResponse<"merchants-get">>("GET", ""),
    update: (body: AdminBody<"merchants-updateSettings">) =>
      this.#call<AdminResponse<"merchants-updateSettings">>("PATCH", "", { body }),
    routing: () => this.#call<AdminResponse<"upstream-get">>("GET", "/routing"),
    updateRouting: (body: AdminBody<"upstream-update">) =>
      this.#call<AdminResponse<"upstream-update">>("PUT", "/routing", { body }),
    testCall: (body: AdminBody<"upstream-testCall">, opts: CallOptions = {}) =>
      this.#call<AdminResponse<"upstream-testCall">>("POST", "/routing/test-call", {
        body,
        ...opts,
      }),
  };

  readonly pricingRules = {
    list: () => this.#call<AdminResponse<"pricingRules-list">>("GET", "/pricing-rules"),
    create: (data: AdminBody<"pricingRules-create">["data"], opts: CallOptions = {}) =>
      this.#call<AdminResponse<"pricingRules-create">>("POST", "/pricing-rules", {
        body: { data },
        ...opts,
      }),
    update: (id: string, data: AdminBody<"pricingRules-update">["data"]) =>
      this.#call<AdminResponse<"pricingRules-update">>(
        "PUT",
        `/pricing-rules/${encodeURIComponent(id)}`,
        { body: { data } },
      ),
    delete: (id: string) =>
      this.#call<AdminResponse<"pricingRules-delete">>(
        "DELETE",
        `/pricing-rules/${encodeURIComponent(id)}`,
      ),
  };

  readonly apiKeys = {
    list: () => this.#call<AdminResponse<"apiKeys-list">>("GET", "/api-keys"),
    create: (body: AdminBody<"apiKeys-create">, opts: CallOptions = {}) =>
      this.#call<AdminResponse<"apiKeys-create">>("POST", "/api-keys", { body, ...opts }),
    revoke: (id: string) =>
      this.#call<AdminResponse<"apiKeys-revoke">>("DELETE", `/api-keys/${encodeURIComponent(id)}`),
  };

  readonly payments = {
    list: (query: AdminQuery<"transactions-list"> = {}) =>
      this.#call<AdminResponse<"transactions-list">>("GET", "/payments", { query }),
    get: (id: string) =>
      this.#call<AdminResponse<"transactions-get">>("GET", `/payments/${encodeURIComponent(id)}`),
    /** every page of a filtered list, following `nextCursor` */
    async *all(
      query: Omit<AdminQuery<"transactions-list">, "cursor"> = {},
    ): AsyncGenerator<AdminResponse<"transactions-list">["items"][number]> {
      let cursor: string | undefined;
      do {
        const page: AdminResponse<"transactions-list"> = await this.list({
          ...query,
          ...(cursor ? { cursor } : {}),
        });
        yield* page.items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
  };

  readonly webhooks = {
    list: () => this.#call<AdminResponse<"webhooks-list">>("GET", "/webhooks/endpoints"),
    create: (body: AdminBody<"webhooks-create">, opts: CallOptions = {}) =>
      this.#call<AdminResponse<"webhooks-create">>("POST", "/webhooks/endpoints", {
        body,
        ...opts,
      }),
    delete: (id: string) =>
      this.#call<AdminResponse<"webhooks-delete">>(
        "DELETE",
        `/webhooks/endpoints/${encodeURIComponent(id)}`,
      ),
    sendTest: (id: string, opts: CallOptions = {}) =>
      this.#call<AdminResponse<"webhooks-sendTest">>(
        "POST",
        `/webhooks/endpoints/${encodeURIComponent(id)}/test`,
        { body: {}, ...opts },
      ),
    deliveries: () =>
      this.#call<AdminResponse<"webhooks-deliveries">>("GET", "/webhooks/deliveries"),
  };

  readonly entitlements = {
    list: (query: AdminQuery<"entitlements-list"> = {}) =>
      this.#call<AdminResponse<"entitlements-list">>("GET", "/entitlements", { query }),
  };
}
