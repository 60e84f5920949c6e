import { beforeAll, describe, expect, it } from "vitest";

import {
  callerFor,
  testDeps,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

const database = useTestDatabase();
let owner: SessionUser;
let invitee: SessionUser;
let stranger: SessionUser;
let merchantId: string;

beforeAll(async () => {
  const deps = testDeps(database.db);
  const user = (name: string) =>
    signUpWithPassword(deps, { name, email: uniqueEmail(name), password: "correct horse battery" });
  [owner, invitee, stranger] = await Promise.all([
    user("owner"),
    user("invitee"),
    user("stranger"),
  ]);
  merchantId = (
    await callerFor(deps, owner).merchants.create({
      name: "Team Inc",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
});

describe("team", () => {
  it("invites by link; only the invited account can accept, once; the new member has the invited role", async () => {
    const deps = testDeps(database.db);
    const { inviteUrl } = await callerFor(deps, owner).team.invite({
      merchantId,
      email: invitee.email!.toUpperCase(),
      role: "DEVELOPER",
    });
    const token = inviteUrl.split("/").at(-1)!;
    expect(await database.db.merchantInvitation.count({ where: { tokenHash: token } })).toBe(0);
    expect(await trpcErrorCode(callerFor(deps, stranger).team.accept({ token }))).toBe("FORBIDDEN");
    expect(await callerFor(deps, invitee).team.accept({ token })).toEqual({
      merchantId,
      role: "DEVELOPER",
    });
    expect(await trpcErrorCode(callerFor(deps, invitee).team.accept({ token }))).toBe("NOT_FOUND");
    const team = await callerFor(deps, invitee).team.list({ merchantId });
    expect(team.members.map((m) => [m.user.email, m.role])).toContainEqual([
      invitee.email,
      "DEVELOPER",
    ]);
    // a developer cannot manage the team
    expect(
      await trpcErrorCode(
        callerFor(deps, invitee).team.invite({ merchantId, email: "x@example.com", role: "ADMIN" }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        callerFor(deps, owner).team.invite({ merchantId, email: invitee.email!, role: "ADMIN" }),
      ),
    ).toBe("CONFLICT");
  });

  it("changes roles and removes members, but never the last owner", async () => {
    const deps = testDeps(database.db);
    const { members } = await callerFor(deps, owner).team.list({ merchantId });
    const ownerMembership = members.find((m) => m.role === "OWNER")!;
    const dev = members.find((m) => m.user.id === invitee.id)!;
    expect(
      await trpcErrorCode(
        callerFor(deps, owner).team.changeRole({
          merchantId,
          membershipId: ownerMembership.id,
          role: "ADMIN",
        }),
      ),
    ).toBe("CONFLICT");
    expect(
      await trpcErrorCode(
        callerFor(deps, owner).team.remove({ merchantId, membershipId: ownerMembership.id }),
      ),
    ).toBe("CONFLICT");
    await callerFor(deps, owner).team.changeRole({
      merchantId,
      membershipId: dev.id,
      role: "ADMIN",
    });
    await callerFor(deps, owner).team.remove({ merchantId, membershipId: dev.id });
    expect(await trpcErrorCode(callerFor(deps, invitee).team.list({ merchantId }))).toBe(
      "NOT_FOUND",
    );
  });

  it("hides the team from strangers", async () => {
    const deps = testDeps(database.db);
    expect(await trpcErrorCode(callerFor(deps, stranger).team.list({ merchantId }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await trpcErrorCode(
        callerFor(deps, stranger).team.invite({ merchantId, email: "a@b.co", role: "ADMIN" }),
      ),
    ).toBe("NOT_FOUND");
  });
});
