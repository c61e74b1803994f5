import type { RepoPermission } from "../config/schema.js";
import type { AppClient } from "./app-client.js";

const RANK: Record<RepoPermission | "none", number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

/** Pure: does `actual` reach `minimum`? */
export function permissionAtLeast(actual: RepoPermission | "none", minimum: RepoPermission): boolean {
  return RANK[actual] >= RANK[minimum];
}

/**
 * The commenter's repository permission, asked fresh every time. `role_name` carries triage and
 * maintain, which the legacy `permission` field folds into read and write.
 */
export async function repoPermission(client: AppClient, username: string): Promise<RepoPermission | "none"> {
  const { octokit, owner, repo } = client;
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
  const role = (data as { role_name?: string }).role_name;
  if (role && role in RANK) return role as RepoPermission;
  return data.permission in RANK ? (data.permission as RepoPermission | "none") : "none";
}

/** Is `username` an active member of `org/team`? 404 means no. */
export async function isTeamMember(
  client: AppClient,
  org: string,
  team: string,
  username: string,
): Promise<boolean> {
  try {
    const { data } = await client.octokit.rest.teams.getMembershipForUserInOrg({
      org,
      team_slug: team,
      username,
    });
    return data.state === "active";
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
