import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** The demo's commits carry a fixed identity, so they work on a machine with no git config. */
const IDENTITY = {
  GIT_AUTHOR_NAME: "orchestrator demo",
  GIT_AUTHOR_EMAIL: "demo@orchestrator.invalid",
  GIT_COMMITTER_NAME: "orchestrator demo",
  GIT_COMMITTER_EMAIL: "demo@orchestrator.invalid",
};

export type Git = (...args: string[]) => Promise<string>;

/** git in one folder, argv only; a failure names the command and git's own message. */
export function gitIn(dir: string): Git {
  return async (...args) => {
    try {
      const { stdout } = await exec("git", args, {
        cwd: dir,
        env: { ...process.env, ...IDENTITY },
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout.trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`git ${args.join(" ")} failed: ${stderr || (error as Error).message}`);
    }
  };
}
