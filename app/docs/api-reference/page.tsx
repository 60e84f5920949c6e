import type { Metadata } from "next";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";

import { ApiReference } from "./api-reference";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("docs");
  return { title: t("pages.apiReference") };
}

export default function ApiReferencePage() {
  const t = useTranslations("docs");
  return (
    <article className="grid gap-4">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("pages.apiReference")}</h1>
        <p className="text-sm text-muted-foreground">
          {t.rich("apiReference.lead", {
            spec: (chunks) => (
              <a className="underline" href="/api/v1/openapi.json">
                {chunks}
              </a>
            ),
            guide: (chunks) => (
              <a className="underline" href="/docs/merchant-api">
                {chunks}
              </a>
            ),
          })}
        </p>
      </div>
      <ApiReference />
    </article>
  );
}
