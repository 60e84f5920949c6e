"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";

// Scalar renders with Vue in the browser: load it on the client only, and only on this page.
const ApiReferenceReact = dynamic(
  () => import("@scalar/api-reference-react").then((m) => m.ApiReferenceReact),
  {
    ssr: false,
    loading: () => <ReferenceLoading />,
  },
);

function ReferenceLoading() {
  const t = useTranslations("docs");
  return <p className="text-sm text-muted-foreground">{t("apiReference.loading")}</p>;
}

export function ApiReference() {
  return (
    <div className="overflow-hidden rounded-lg border" data-testid="api-reference">
      <ApiReferenceReact
        configuration={{
          url: "/api/v1/openapi.json",
          // fonts and telemetry would call third-party hosts; the app's own fonts are enough
          withDefaultFonts: false,
          telemetry: false,
          hideClientButton: false,
          defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
          authentication: { preferredSecurityScheme: "apiKey" },
        }}
      />
    </div>
  );
}
