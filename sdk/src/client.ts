import { fromAtomic, KNOWN_ASSETS, toAtomic, type AssetInfo } from "./amounts";
import { encodeJsonHeader, randomNonce } from "./encoding";
import {
  AmountLimitError,
  NetworkError,
  PaymentRejectedError,
  PaymentRequiredError,
  ResponseFormatError,
  UpstreamError,
  WalletError,
  X402Error,
  type RequirementRejection,
} from "./errors";
import {
  chainIdOf,
  parsePaymentRequired,
  parseSettlement,
  rejectionReason,
  type PaymentRequirement,
  type Settlement,
} from "./protocol";
import { receiptFromPaymentResponse, type SignedReceipt } from "./receipt";
import { readSiwxChallenge, signSiwx, SIWX_HEADER } from "./siwx";
import { toPaymentSigner, type PaymentSigner, type Wallet } from "./wallet";
import { TRANSFER_WITH_AUTHORIZATION_TYPES } from "./eip3009";
import { paysThroughPermit2, signPermit2Payment } from "./permit2";
import { decodeHeaderObject, type SchemePayer } from "./schemes";

// X402Client: one request() that answers a 402 by signing an EIP-3009 authorization within the
// caller's limits and retrying once. It speaks x402 v1 and v2 and works against any x402 server.

export type X402ClientOptions = {
  /** the gateway's (or any x402 server's) origin, e.g. https://gateway.example */
  endpoint: string;
  /** prepended to every path: requests go to {endpoint}/{merchantId}{path} */
  merchantId?: string;
  /** sent as X-API-Key */
  apiKey?: string;
  wallet: Wallet;
  /** the most this client pays for one call, per asset symbol (or token address): { USDC: "0.50" } */
  maxAmount: Record<string, string>;
  /** the networks it may pay on, by v1 name or CAIP-2 id; default: any the wallet can sign for */
  networks?: string[];
  /** tokens beyond USDC on Base / Base Sepolia that it may pay with */
  assets?: AssetInfo[];
  /** asked before every payment (a UI can ask the user); false declines */
  onPaymentRequired?: (requirement: PaymentQuote) => boolean | Promise<boolean>;
  onPaid?: (receipt: PaymentReceipt) => void;
  fetch?: typeof fetch;
  /** per attempt, in milliseconds (default 30 000) */
  timeoutMs?: number;
  /**
   * How often a paid request is sent again after a network failure (default 2). Only payments with
   * a payment identifier are retried: the server replays the first outcome instead of charging again.
   */
  paidRetries?: number;
  /**
   * When to answer a Sign-In-With-X challenge (bundles and time passes) before paying: "auto" when
   * this client holds a live bundle or pass at this endpoint (default), "always" (e.g. after a
   * restart, when the wallet may own a pass the client does not remember), or "never".
   */
  signIn?: "auto" | "always" | "never";
  /**
   * Schemes beyond `exact` this client may pay (x402 v2), e.g.
   * `[officialScheme(new BatchSettlementEvmScheme(signer))]` for `batch-settlement`. The per-call
   * limit (`maxAmount`) applies to the requirement's amount as for `exact`.
   */
  schemes?: SchemePayer[];
};

/** A bundle or time pass this client's wallet holds, as the server last reported it. */
export type Entitlement = {
  endpoint: string;
  merchantId: string | null;
  ruleId: string;
  mode: "bundle" | "time_pass";
  /** calls left in a bundle */
  remaining: number | null;
  /** when a time pass ends (ISO 8601) */
  expiresAt: string | null;
};

export type PaymentQuote = {
  network: string;
  asset: string;
  symbol: string;
  amount: string;
  amountAtomic: bigint;
  payTo: string;
  resource: string;
  x402Version: 1 | 2;
};
export type PaymentReceipt = Settlement & {
  quote: PaymentQuote;
  /** the gateway's signed receipt (`offer-receipt` extension), for `verifyReceipt` */
  signedReceipt?: SignedReceipt;
};

export type RequestOptions = {
  method?: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** a string or bytes are sent as they are; anything else as JSON */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** how to read the response body (default "json"; a non-JSON body is a ResponseFormatError) */
  responseType?: "json" | "text" | "bytes";
};

export type X402Response<T> = {
  status: number;
  headers: Headers;
  data: T;
  /** the settlement, when this call paid */
  payment: PaymentReceipt | null;
  /** the bundle or pass that this call bought or was served against */
  entitlement: Entitlement | null;
};

export class X402Client {
  private readonly signer: PaymentSigner;
  private readonly fetchImpl: typeof fetch;
  private readonly assets: AssetInfo[];
  private readonly held = new Map<string, Entitlement>();

  constructor(private readonly options: X402ClientOptions) {
    this.signer = toPaymentSigner(options.wallet);
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.assets = [...(options.assets ?? []), ...KNOWN_ASSETS].map((a) => ({
      ...a,
      address: a.address.toLowerCase(),
    }));
  }

  urlFor(path: string, query?: RequestOptions["query"]): string {
    const base =
      this.options.endpoint.replace(/\/+$/, "") +
      (this.options.merchantId ? `/${this.options.merchantId}` : "");
    const url = new URL(base + (path.startsWith("/") ? path : `/${path}`));
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** The bundles and time passes this client knows its wallet holds and that are still live. */
  entitlements(): Entitlement[] {
    const now = Date.now();
    return [...this.held.values()].filter((e) =>
      e.mode === "bundle"
        ? (e.remaining ?? 0) > 0
        : e.expiresAt !== null && Date.parse(e.expiresAt) > now,
    );
  }

  async request<T = unknown>(req: RequestOptions): Promise<X402Response<T>> {
    const url = this.urlFor(req.path, req.query);
    const first = await this.send(url, req, {});
    if (first.status !== 402) return this.finish<T>(first, req, null);

    let required = parsePaymentRequired(
      first.headers.get("payment-required"),
      await readJsonLoose(first),
      url,
    );
    const challenge = required.x402Version === 2 ? readSiwxChallenge(required.extensions) : null;
    if (challenge && this.shouldSignIn()) {
      // a bundle or pass may cover this call: prove the wallet instead of paying
      const proof = await signSiwx(challenge, required.accepts[0]?.network ?? "", this.signer, url);
      const signedIn = await this.send(url, req, { [SIWX_HEADER]: proof });
      if (signedIn.status !== 402) return this.finish<T>(signedIn, req, null);
      // not covered (used up, expired, or never bought): the fresh 402 is what to pay
      required = parsePaymentRequired(
        signedIn.headers.get("payment-required"),
        await readJsonLoose(signedIn),
        url,
      );
    }
    const { requirement, quote } = await this.choose(required.accepts);
    // the 402 declares payment identifiers: name this payment so a retry can never pay twice
    const paymentId =
      required.x402Version === 2 && required.extensions?.["payment-identifier"]
        ? `pay_${randomNonce().slice(2, 34)}`
        : null;
    const other = requirement.scheme === "exact" ? undefined : this.payerFor(requirement.scheme);
    const signed = other
      ? await this.signWith(other, requirement, required.resource, paymentId)
      : { header: await this.sign(requirement, required.resource, paymentId), payload: null };
    const header = signed.header;
    const paid = paymentId
      ? await this.sendIdentifiedPayment(url, req, header)
      : await this.send(url, req, header);
    if (other && signed.payload) {
      // the scheme keeps its own state (a payment channel's cumulative amount): tell it the outcome
      await other.onResult?.({
        requirement: requirement.raw,
        paymentPayload: signed.payload,
        settlement: decodeHeaderObject(paid.headers.get("payment-response")),
        paymentRequired:
          paid.status === 402
            ? decodeHeaderObject(paid.headers.get("payment-required"))
            : undefined,
      });
    }
    if (paid.status === 402) {
      const body = await readJsonLoose(paid);
      const { reason, message } = rejectionReason(paid.headers.get("payment-required"), body);
      // never pays twice for one request(): a refused payment is an error, not a second attempt
      throw new PaymentRejectedError(
        `The server refused the payment: ${message ?? reason}`,
        reason,
        body,
      );
    }
    const settlementHeader =
      paid.headers.get("payment-response") ?? paid.headers.get("x-payment-response");
    const receipt = settlementHeader
      ? {
          ...parseSettlement(settlementHeader),
          quote,
          signedReceipt: receiptFromPaymentResponse(settlementHeader),
        }
      : null;
    if (receipt) this.options.onPaid?.(receipt);
    return this.finish<T>(paid, req, receipt);
  }

  private async send(
    url: string,
    req: RequestOptions,
    extra: Record<string, string>,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: "application/json",
      ...req.headers,
      ...extra,
    };
    if (this.options.apiKey) headers["x-api-key"] = this.options.apiKey;
    let body: BodyInit | undefined;
    if (req.body !== undefined && req.body !== null) {
      if (
        typeof req.body === "string" ||
        req.body instanceof Uint8Array ||
        req.body instanceof ArrayBuffer
      )
        body = req.body as BodyInit;
      else {
        body = JSON.stringify(req.body);
        headers["content-type"] ??= "application/json";
      }
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      return await this.fetchImpl(url, { method: req.method ?? "GET", headers, body, signal });
    } catch (err) {
      const reason = req.signal?.aborted
        ? "aborted"
        : timeout.aborted
          ? `timed out after ${this.options.timeoutMs ?? 30_000} ms`
          : "failed";
      throw new NetworkError(`The request to ${url} ${reason}`, { cause: err });
    }
  }

  /**
   * Sends a paid request whose payment carries an identifier. A network failure may come after the
   * server charged, so the same payment is sent again: the server answers a repeat with the first
   * attempt's recorded response (or 409 while it is still in progress), never with a second charge.
   */
  private async sendIdentifiedPayment(
    url: string,
    req: RequestOptions,
    header: Record<string, string>,
  ): Promise<Response> {
    const attempts = 1 + (this.options.paidRetries ?? 2);
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.send(url, req, header);
        if (
          res.status !== 409 ||
          attempt >= attempts ||
          !/payment_in_progress/.test(await res.clone().text())
        )
          return res;
        await sleep(1000 * Number(res.headers.get("retry-after") ?? "1"));
      } catch (err) {
        if (!(err instanceof NetworkError) || req.signal?.aborted || attempt >= attempts) throw err;
        await sleep(250 * attempt);
      }
    }
  }

  private shouldSignIn(): boolean {
    const mode = this.options.signIn ?? "auto";
    if (mode === "never") return false;
    if (mode === "always") return true;
    return this.entitlements().some(
      (e) =>
        e.endpoint === this.options.endpoint && e.merchantId === (this.options.merchantId ?? null),
    );
  }

  /** Reads the gateway's `x-x402-entitlement` header (mode=bundle; remaining=9; rule=…) into what the client holds. */
  private noteEntitlement(res: Response): Entitlement | null {
    const header = res.headers.get("x-x402-entitlement");
    if (!header) return null;
    const fields = Object.fromEntries(
      header.split(";").map((part) => part.trim().split("=") as [string, string]),
    );
    if (!fields.rule || (fields.mode !== "bundle" && fields.mode !== "time_pass")) return null;
    const entitlement: Entitlement = {
      endpoint: this.options.endpoint,
      merchantId: this.options.merchantId ?? null,
      ruleId: fields.rule,
      mode: fields.mode,
      remaining: fields.remaining === undefined ? null : Number(fields.remaining),
      expiresAt: fields.expires ?? null,
    };
    this.held.set(
      `${entitlement.endpoint}|${entitlement.merchantId}|${entitlement.ruleId}`,
      entitlement,
    );
    return entitlement;
  }

  private async finish<T>(
    res: Response,
    req: RequestOptions,
    payment: PaymentReceipt | null,
  ): Promise<X402Response<T>> {
    const entitlement = this.noteEntitlement(res);
    const type = req.responseType ?? "json";
    let data: unknown;
    if (type === "bytes") data = new Uint8Array(await res.arrayBuffer());
    else {
      const text = await res.text();
      if (type === "text" || (text === "" && res.status === 204)) data = text;
      else {
        try {
          data = text === "" ? null : JSON.parse(text);
        } catch {
          if (res.status >= 400)
            throw new UpstreamError(
              `The server answered ${res.status}`,
              res.status,
              text,
              res.headers,
            );
          throw new ResponseFormatError(
            `The response (${res.headers.get("content-type") ?? "no content type"}) is not JSON; ask for responseType "text"`,
            res.status,
            text,
          );
        }
      }
    }
    if (res.status >= 400)
      throw new UpstreamError(`The server answered ${res.status}`, res.status, data, res.headers);
    return { status: res.status, headers: res.headers, data: data as T, payment, entitlement };
  }

  /** The first requirement this client may pay, or the typed reason it may pay none. */
  private async choose(
    accepts: PaymentRequirement[],
  ): Promise<{ requirement: PaymentRequirement; quote: PaymentQuote }> {
    const rejections: RequirementRejection[] = [];
    let overLimit: AmountLimitError | null = null;
    for (const requirement of accepts) {
      const payable =
        requirement.scheme === "exact" ||
        (requirement.x402Version === 2 && this.payerFor(requirement.scheme) !== undefined);
      if (!payable || requirement.chainId === null) {
        rejections.push({ requirement: requirement.raw, reason: "unsupported_scheme" });
        continue;
      }
      if (
        this.options.networks &&
        !this.options.networks.some((n) => chainIdOf(n) === requirement.chainId)
      ) {
        rejections.push({ requirement: requirement.raw, reason: "network_not_allowed" });
        continue;
      }
      const caip = `eip155:${requirement.chainId}`;
      const asset = this.assets.find(
        (a) => chainIdOf(a.network) === requirement.chainId && a.address === requirement.asset,
      );
      if (!asset) {
        rejections.push({ requirement: requirement.raw, reason: "unknown_asset" });
        continue;
      }
      const limitText =
        this.options.maxAmount[asset.symbol] ?? this.options.maxAmount[asset.address];
      const limit = limitText === undefined ? 0n : toAtomic(limitText, asset.decimals);
      if (requirement.amount > limit) {
        overLimit ??= new AmountLimitError(
          `The price ${fromAtomic(requirement.amount, asset.decimals)} ${asset.symbol} is over this client's limit of ${limitText ?? "0"} ${asset.symbol} per call; nothing was signed`,
          asset.symbol,
          fromAtomic(requirement.amount, asset.decimals),
          limitText ?? "0",
        );
        rejections.push({ requirement: requirement.raw, reason: "over_limit" });
        continue;
      }
      const quote: PaymentQuote = {
        network: caip,
        asset: asset.address,
        symbol: asset.symbol,
        amount: fromAtomic(requirement.amount, asset.decimals),
        amountAtomic: requirement.amount,
        payTo: requirement.payTo,
        resource: requirement.resource,
        x402Version: requirement.x402Version,
      };
      if (this.options.onPaymentRequired && !(await this.options.onPaymentRequired(quote))) {
        rejections.push({ requirement: requirement.raw, reason: "declined" });
        continue;
      }
      return { requirement, quote };
    }
    // over the limit is its own error unless the caller's hook declined an option
    if (overLimit && !rejections.some((r) => r.reason === "declined")) throw overLimit;
    throw new PaymentRequiredError(
      `None of the ${accepts.length} payment option(s) can be paid by this client: ${rejections.map((r) => r.reason).join(", ") || "none offered"}`,
      accepts.map((a) => a.raw),
      rejections,
    );
  }

  private payerFor(scheme: string): SchemePayer | undefined {
    return this.options.schemes?.find((s) => s.scheme === scheme);
  }

  /** A v2 payment of another scheme, its payload built by the scheme's payer. */
  private async signWith(
    payer: SchemePayer,
    requirement: PaymentRequirement,
    resource: Record<string, unknown> | null,
    paymentId: string | null,
  ): Promise<{ header: Record<string, string>; payload: Record<string, unknown> }> {
    let inner: Record<string, unknown>;
    try {
      inner = await payer.createPayload(requirement.raw);
    } catch (err) {
      throw new WalletError(
        `Signing the ${requirement.scheme} payment failed: ${err instanceof Error ? err.message : String(err)}`,
        "signing_failed",
      );
    }
    const extensions = paymentId
      ? { extensions: { "payment-identifier": { info: { required: false, id: paymentId } } } }
      : {};
    const payload = {
      x402Version: 2,
      ...(resource ? { resource } : {}),
      accepted: requirement.raw,
      payload: inner,
      ...extensions,
    };
    return { header: { "payment-signature": encodeJsonHeader(payload) }, payload };
  }

  private async sign(
    requirement: PaymentRequirement,
    resource: Record<string, unknown> | null,
    paymentId: string | null = null,
  ): Promise<Record<string, string>> {
    const chainId = requirement.chainId as number;
    const walletChain = await this.signer.chainId();
    if (walletChain !== null && walletChain !== chainId) {
      throw new WalletError(
        `The wallet is on chain ${walletChain}; this payment is on chain ${chainId}. Switch networks and retry.`,
        "wrong_chain",
      );
    }
    const extensions = paymentId
      ? { extensions: { "payment-identifier": { info: { required: false, id: paymentId } } } }
      : {};
    // a token without EIP-3009: a Permit2 transfer (x402 v2 only), signed by the official client
    if (paysThroughPermit2(requirement) && requirement.x402Version === 2) {
      return {
        "payment-signature": encodeJsonHeader({
          x402Version: 2,
          ...(resource ? { resource } : {}),
          accepted: requirement.raw,
          payload: await signPermit2Payment(this.signer, requirement),
          ...extensions,
        }),
      };
    }
    const from = await this.signer.address();
    const name = requirement.extra.name;
    const version = requirement.extra.version;
    if (typeof name !== "string" || typeof version !== "string") {
      throw new PaymentRequiredError(
        "The requirement does not name the token's EIP-712 domain (extra.name / extra.version)",
        [requirement.raw],
        [{ requirement: requirement.raw, reason: "unknown_asset" }],
      );
    }
    const now = Math.floor(Date.now() / 1000);
    // a little slack before now for clock skew; valid for the server's timeout after
    const authorization = {
      from,
      to: requirement.payTo,
      value: requirement.amount.toString(),
      validAfter: String(now - 600),
      validBefore: String(now + requirement.maxTimeoutSeconds),
      nonce: randomNonce(),
    };
    const signature = await this.signer.signTypedData({
      domain: { name, version, chainId, verifyingContract: requirement.asset },
      // the signer interface takes mutable arrays (wallet libraries' own types)
      types: {
        TransferWithAuthorization: [...TRANSFER_WITH_AUTHORIZATION_TYPES.TransferWithAuthorization],
      },
      primaryType: "TransferWithAuthorization",
      message: {
        ...authorization,
        value: requirement.amount,
        validAfter: BigInt(authorization.validAfter),
        validBefore: BigInt(authorization.validBefore),
      },
    });
    const payload = { signature, authorization };
    if (requirement.x402Version === 1) {
      return {
        "x-payment": encodeJsonHeader({
          x402Version: 1,
          scheme: requirement.scheme,
          network: requirement.network,
          payload,
        }),
      };
    }
    return {
      "payment-signature": encodeJsonHeader({
        x402Version: 2,
        ...(resource ? { resource } : {}),
        accepted: requirement.raw,
        payload,
        ...extensions,
      }),
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJsonLoose(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

export { X402Error };
