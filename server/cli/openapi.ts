// npm run openapi — regenerates sdk/openapi.json and the SDK's types from the tRPC procedures
import { writeFileSync } from "node:fs";

import { committedDocumentText, sdkTypesText } from "@/server/public-api/generate-artifacts";

const doc = committedDocumentText();
writeFileSync("sdk/openapi.json", doc);
writeFileSync("sdk/src/admin/schema.ts", await sdkTypesText(doc));
console.log("wrote sdk/openapi.json and sdk/src/admin/schema.ts");
process.exit(0);
