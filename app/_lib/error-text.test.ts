import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";

import { messagesFor } from "@/server/i18n/messages";

import { errorTextFor, type Translate } from "./error-text";

function textIn(locale: "en" | "zh-CN", err: unknown) {
  const t = createTranslator({ locale, messages: messagesFor(locale), namespace: "errors" });
  return errorTextFor(err, { locale, t: t as unknown as Translate });
}

describe("errorTextFor", () => {
  const conflict = {
    message: "This email is already registered",
    data: { appCode: "conflict", requestId: "r1" },
  };

  it("shows the server's specific message in English", () => {
    expect(textIn("en", conflict)).toBe("This email is already registered");
  });

  it("shows the code's translated message in Chinese", () => {
    expect(textIn("zh-CN", conflict)).toBe("该记录已存在或已被他人修改，请刷新后重试。");
  });

  it("adds the request id to internal errors", () => {
    const internal = {
      message: "Internal error",
      data: { appCode: "internal", requestId: "req_9" },
    };
    expect(textIn("en", internal)).toBe(
      "An unexpected error occurred. It has been logged. (request id req_9)",
    );
    expect(textIn("zh-CN", internal)).toBe("发生意外错误，我们已记录该问题。（请求 ID：req_9）");
  });

  it("says the server was unreachable when the error has no data (network failure)", () => {
    expect(textIn("zh-CN", new Error("Failed to fetch"))).toBe(
      "无法连接服务器，请检查网络后重试。",
    );
  });

  it("falls back to the generic message for an unknown code outside English", () => {
    expect(textIn("zh-CN", { message: "x", data: { appCode: null } })).toBe("操作失败，请重试。");
    expect(textIn("en", { message: "Bad thing", data: { appCode: null } })).toBe("Bad thing");
  });
});
