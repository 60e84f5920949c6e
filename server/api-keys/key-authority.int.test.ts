import { beforeAll, describe, expect, it } from "vitest";

import { maskAddress } from "@/server/audit/record-audit";
import {
  callerFor,
  keyCallerFor,
  testDeps,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// Who may hold which key, and who may move the merchant's money (issue 24 item 2): a key's scopes
// are a subset of what its creator may do; a member's keys die with their membership (or with the
// part of it a role change takes away); the payout address changes only by an OWNER who signed in
// moments ago, never through an API key, and every change is audited and sent to every webhook.

const database = useTestDatabase();
const deps = () => testDeps(database.db);
const WALLET_A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const WALLET_B = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

let owner: SessionUser;
let secondOwner: SessionUser;
let admin: SessionUser;
let developer: SessionUser;
let merchantId: string;
const membershipOf: Record<string, string> = {};

async function join(user: SessionUser, role: "ADMIN" | "DEVELOPER") {
  const { inviteUrl } = await callerFor(deps(), owner).team.invite({
    merchantId,
    email: user.email ?? "",
    role,
  });
  await callerFor(deps(), user).team.accept({ token: inviteUrl.split("/").at(-1) ?? "" });
  const { members } = await callerFor(deps(), owner).team.list({ merchantId });
  membershipOf[user.id] = members.find((m) => m.user.id === user.id)?.id ?? "";
}

beforeAll(async () => {
  const user = (name: string) =>
    signUpWithPassword(deps(), {
      name,
      email: uniqueEmail(name),
      password: "correct horse battery",
    });
  [owner, secondOwner, admin, developer] = await Promise.all([
    user("owner"),
    user("owner2"),
    user("admin"),
    user("dev"),
  ]);
  merchantId = (
    await callerFor(deps(), owner).merchants.create({
      name: "Keys Inc",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: WALLET_A,
    })
  ).id;
  await join(secondOwner, "ADMIN");
  await callerFor(deps(), owner).team.changeRole({
    merchantId,
    membershipId: membershipOf[secondOwner.id] ?? "",
    role: "OWNER",
  });
  await join(admin, "ADMIN");
  await join(developer, "DEVELOPER");
});

describe("a key's scopes are a subset of its creator's permissions", () => {
  it("refuses a DEVELOPER a write key, and gives it the scopes its role covers", async () => {
    const dev = callerFor(deps(), developer).apiKeys;
    expect(
      await trpcErrorCode(dev.create({ merchantId, name: "escalate", scopes: ["write"] })),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(dev.create({ merchantId, name: "escalate", scopes: ["read", "write"] })),
    ).toBe("FORBIDDEN");
    const ok = await dev.create({
      merchantId,
      name: "ci",
      scopes: ["read", "keys:manage", "gateway:owner"],
    });
    expect(ok.apiKey.scopes).toEqual(["read", "keys:manage", "gateway:owner"]);
  });

  it("refuses a keys:manage key a key with more than its own scopes", async () => {
    const { apiKey } = await callerFor(deps(), owner).apiKeys.create({
      merchantId,
      name: "manager",
      scopes: ["keys:manage"],
    });
    const asKey = keyCallerFor(deps(), {
      keyId: apiKey.id,
      merchantId,
      scopes: apiKey.scopes,
    }).apiKeys;
    expect(
      await trpcErrorCode(asKey.create({ merchantId, name: "escalate", scopes: ["write"] })),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        asKey.create({ merchantId, name: "escalate", scopes: ["gateway:owner"] }),
      ),
    ).toBe("FORBIDDEN");
    const child = await asKey.create({ merchantId, name: "reader", scopes: ["read"] });
    // the human accountable for a key made by a key is the one behind the parent key
    expect(
      (await database.db.apiKey.findUniqueOrThrow({ where: { id: child.apiKey.id } })).createdById,
    ).toBe(owner.id);
  });
});

describe("keys do not outlive their creator's membership", () => {
  it("revokes a removed member's keys, and the keys those keys made, in the removal's transaction", async () => {
    const leaver = await signUpWithPassword(deps(), {
      name: "Leaver",
      email: uniqueEmail("leaver"),
      password: "correct horse battery",
    });
    await join(leaver, "DEVELOPER");
    const own = await callerFor(deps(), leaver).apiKeys.create({
      merchantId,
      name: "leaver's",
      scopes: ["keys:manage"],
    });
    const made = await keyCallerFor(deps(), {
      keyId: own.apiKey.id,
      merchantId,
      scopes: own.apiKey.scopes,
    }).apiKeys.create({ merchantId, name: "grandchild", scopes: ["read"] });
    const stays = await callerFor(deps(), owner).apiKeys.create({
      merchantId,
      name: "owner's",
      scopes: ["read"],
    });

    await callerFor(deps(), owner).team.remove({
      merchantId,
      membershipId: membershipOf[leaver.id] ?? "",
    });
    const keys = await database.db.apiKey.findMany({
      where: { id: { in: [own.apiKey.id, made.apiKey.id, stays.apiKey.id] } },
      select: { id: true, revokedAt: true },
    });
    expect(
      keys
        .filter((k) => k.revokedAt !== null)
        .map((k) => k.id)
        .sort(),
    ).toEqual([own.apiKey.id, made.apiKey.id].sort());
    expect(
      await database.db.auditLog.count({
        where: { merchantId, action: "api_key.revoke", targetId: own.apiKey.id },
      }),
    ).toBe(1);
  });

  it("revokes the keys a demoted member could no longer create", async () => {
    const demoted = await signUpWithPassword(deps(), {
      name: "Demoted",
      email: uniqueEmail("demoted"),
      password: "correct horse battery",
    });
    await join(demoted, "ADMIN");
    const writer = await callerFor(deps(), demoted).apiKeys.create({
      merchantId,
      name: "writer",
      scopes: ["write"],
    });
    const reader = await callerFor(deps(), demoted).apiKeys.create({
      merchantId,
      name: "reader",
      scopes: ["read"],
    });
    await callerFor(deps(), owner).team.changeRole({
      merchantId,
      membershipId: membershipOf[demoted.id] ?? "",
      role: "DEVELOPER",
    });
    const rows = await database.db.apiKey.findMany({
      where: { id: { in: [writer.apiKey.id, reader.apiKey.id] } },
      select: { id: true, revokedAt: true },
    });
    expect(rows.find((r) => r.id === writer.apiKey.id)?.revokedAt).not.toBeNull();
    expect(rows.find((r) => r.id === reader.apiKey.id)?.revokedAt).toBeNull();
  });
});

describe("the payout address", () => {
  const settings = (payoutAddress: string) => ({ merchantId, name: "Keys Inc", payoutAddress });

  it("is refused to an ADMIN, to an OWNER whose sign-in is not fresh, and to every API key", async () => {
    expect(
      await trpcErrorCode(callerFor(deps(), admin).merchants.updateSettings(settings(WALLET_B))),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        callerFor(deps(), owner, { signedInAt: Date.now() - 60 * 60_000 }).merchants.updateSettings(
          settings(WALLET_B),
        ),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        callerFor(deps(), owner, { signedInAt: null }).merchants.updateSettings(settings(WALLET_B)),
      ),
    ).toBe("FORBIDDEN");
    const { apiKey } = await callerFor(deps(), owner).apiKeys.create({
      merchantId,
      name: "writer",
      scopes: ["write"],
    });
    const asKey = keyCallerFor(deps(), {
      keyId: apiKey.id,
      merchantId,
      scopes: apiKey.scopes,
    }).merchants;
    expect(await trpcErrorCode(asKey.updateSettings(settings(WALLET_B)))).toBe("FORBIDDEN");
    // the name still changes through the API when the address stays (any spelling of it)
    expect(
      await asKey.updateSettings({
        merchantId,
        name: "Keys Renamed",
        payoutAddress: WALLET_A.toLowerCase(),
      }),
    ).toMatchObject({ name: "Keys Renamed" });
    expect(
      (await callerFor(deps(), owner).merchants.get({ merchantId })).payoutAddress.toLowerCase(),
    ).toBe(WALLET_A.toLowerCase());
  });

  it("changes for a freshly signed-in OWNER, with an audit entry and an event to every webhook endpoint", async () => {
    const hooks = callerFor(deps(), owner).webhooks;
    const subscribed = await hooks.create({
      merchantId,
      url: "https://hooks.example.com/a",
      events: ["payment.settled"],
    });
    const other = await hooks.create({
      merchantId,
      url: "https://hooks.example.com/b",
      events: ["alert.opened"],
    });

    const updated = await callerFor(deps(), owner).merchants.updateSettings(settings(WALLET_B));
    expect(updated.payoutAddress.toLowerCase()).toBe(WALLET_B.toLowerCase());
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { merchantId, action: "merchant.payout_address.change" },
    });
    expect(audit).toMatchObject({ actorUserId: owner.id });
    const deliveries = await database.db.webhookDelivery.findMany({
      where: { merchantId, eventType: "merchant.payout_address_changed" },
      select: { endpointId: true, payload: true },
    });
    expect(deliveries.map((d) => d.endpointId).sort()).toEqual(
      [subscribed.endpoint.id, other.endpoint.id].sort(),
    );
    expect(JSON.stringify(deliveries[0]?.payload)).toContain(maskAddress(WALLET_B.toLowerCase()));
  });
});
