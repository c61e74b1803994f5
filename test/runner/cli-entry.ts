// Runs the runner CLI from source, for tests that need it as a separate process (kill -9, two runners).
import { main } from "../../runner/cli/main.js";

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
