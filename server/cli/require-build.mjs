// Preloaded by `npm start`: it runs the server `npm run build` compiled, so without a build it says
// what to do instead of a module-resolution stack trace.
import { existsSync } from "node:fs";

const entry = process.argv[1];
if (entry && !existsSync(entry)) {
  console.error(
    `${entry} is missing: run \`npm run build\` first (it builds the app and compiles the server npm start runs).`,
  );
  process.exit(1);
}
