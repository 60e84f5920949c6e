import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { COMPILED_SERVER, SERVER_NODE_FLAGS } from "./build-server";

// The bench runs the servers with SERVER_NODE_FLAGS; what ships must run with the same flags.
describe("the production servers' node flags", () => {
  it("npm start runs the compiled server with them", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(
      `node ${SERVER_NODE_FLAGS.join(" ")} --import ./server/cli/require-build.mjs ${COMPILED_SERVER}`,
    );
    expect(pkg.scripts.build).toContain("server/cli/build-server.ts");
  });

  it("the Dockerfile's servers run with them", () => {
    const dockerfile = readFileSync("Dockerfile", "utf8");
    const flags = SERVER_NODE_FLAGS.map((f) => `"${f}"`).join(", ");
    expect(dockerfile).toContain(`CMD ["node", ${flags}, "server.js"]`);
    expect(dockerfile).toContain(`CMD ["node", ${flags}, "${COMPILED_SERVER}", "-H", "0.0.0.0"]`);
  });
});
