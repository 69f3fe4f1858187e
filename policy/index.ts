/**
 * The CrossGuard pack: `pulumi preview --policy-pack policy/` (docs/policy.md). Each
 * policy's enforcement level can be changed with `--policy-pack-config` (or the organisation's policy group).
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

new PolicyPack("istio-gateway", { policies: POLICIES });
