/* SPDX-License-Identifier: MIT
 * audit_guard.c: the mua-resource-guard rule: is a Resource Guard linked,
 * how isolated is it, and which critical operations does it leave out.
 * Pure functions over one vault's rows (audit_internal.h); called through
 * audit_rule_eval. No I/O. */
#include "models/audit/audit_internal.h"

/* ---- mua-resource-guard ---- */

struct critical_op {
	const char *name, *meaning;
	bool mandatory;
	const char *aliases[4];
};

/* Azure's vault critical operations (azure-backup.md §1.8), with the
 * Resource Guard request types a proxy lists and the CLI's names. */
static const struct critical_op critical_ops[] = {
	{ "backupconfig/write", "disable soft delete", true,
	  { "disableSoftDeleteRequests", "disableSoftDelete",
	    "disableSecurityFeatures", NULL } },
	{ "backupResourceGuardProxies/delete", "disable MUA", true,
	  { "deleteResourceGuardProxyRequests", "removeMUAProtection",
	    "disableMultiUserAuthorization", NULL } },
	{ "backupPolicies/write", "reduce retention in a policy", false,
	  { "updateProtectionPolicyRequests", "updatePolicy", NULL } },
	{ "backupFabrics/protectionContainers/protectedItems/write",
	  "modify protection", false,
	  { "updateProtectedItemRequests", "updateProtection", NULL } },
	{ "backupFabrics/protectionContainers/protectedItems/delete",
	  "stop protection with delete data", false,
	  { "deleteProtectedItemRequests", "deleteProtection", NULL } },
	{ "backupSecurityPIN/action", "get security PIN", false,
	  { "getBackupSecurityPINRequests", "getSecurityPIN", NULL } },
	{ "write#reduceImmutabilityState", "reduce immutability", false,
	  { NULL } },
	{ "write#modifyEncryptionSettings", "change encryption settings",
	  false, { "modifyEncryptionSettings", NULL } },
};

static const char *strip_op_prefix(const char *op)
{
	static const char *const prefixes[] = {
		"Microsoft.RecoveryServices/vaults/",
		"Microsoft.DataProtection/resourceGuards/",
	};
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (strlen(op) > n && find_ci(op, prefixes[i]) == op)
			return op + n;
	}
	return op;
}

bool critical_op_lookup(const char *op, const char **name,
			const char **meaning, bool *mandatory)
{
	const char *s = strip_op_prefix(op);

	for (size_t i = 0; i < ARRAY_SIZE(critical_ops); i++) {
		const struct critical_op *c = &critical_ops[i];
		bool hit = str_eq_ci(s, c->name);
		for (size_t a = 0; !hit && c->aliases[a]; a++)
			hit = str_eq_ci(s, c->aliases[a]);
		if (hit) {
			*name = c->name;
			*meaning = c->meaning;
			*mandatory = c->mandatory;
			return true;
		}
	}
	return false;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ')
		s++;
	end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	return s;
}

/* What the guards.csv operation lists say. */
struct guard_ops {
	struct strbuf excluded;     /* "name (meaning), ..." */
	struct strbuf inconsistent; /* mandatory ones excluded or missing */
	size_t nexcluded;
};

static void scan_excluded(const char *list, struct guard_ops *go)
{
	const char *parts[64];
	char *copy;
	size_t n = str_split(list, ';', &copy, parts, ARRAY_SIZE(parts));

	for (size_t i = 0; i < n; i++) {
		const char *name, *meaning, *op = trim((char *)parts[i]);
		bool mandatory = false;
		if (!*op)
			continue;
		if (!critical_op_lookup(op, &name, &meaning, &mandatory)) {
			name = op;
			meaning = "unknown operation";
		}
		if (mandatory)
			add_part(&go->inconsistent, "; ",
				 "excluded_operations lists %s (%s), which "
				 "Azure doesn't allow to exclude",
				 name, meaning);
		else if (list_room(&go->nexcluded))
			add_part(&go->excluded, ", ", "%s (%s)", name,
				 meaning);
	}
	list_end(&go->excluded, go->nexcluded);
	free(copy);
}

/* A non-empty protected list must hold both mandatory operations. */
static void scan_protected(const char *list, struct guard_ops *go)
{
	const char *parts[64];
	char *copy;
	size_t n = str_split(list, ';', &copy, parts, ARRAY_SIZE(parts));
	bool seen_config = false, seen_proxy = false;

	for (size_t i = 0; i < n; i++) {
		const char *name, *meaning;
		bool mandatory;
		if (!critical_op_lookup(trim((char *)parts[i]), &name,
					&meaning, &mandatory))
			continue;
		seen_config |= strcmp(name, "backupconfig/write") == 0;
		seen_proxy |= strcmp(name,
				     "backupResourceGuardProxies/delete") == 0;
	}
	free(copy);
	if (n && !seen_config)
		add_part(&go->inconsistent, "; ",
			 "protected_operations lacks backupconfig/write "
			 "(disable soft delete), which is always protected");
	if (n && !seen_proxy)
		add_part(&go->inconsistent, "; ",
			 "protected_operations lacks backupResourceGuard"
			 "Proxies/delete (disable MUA), which is always "
			 "protected");
}

static void mua_no_guard(const struct vault_view *vv, struct finding *f)
{
	const struct vault *v = vv->v;
	struct strbuf loc = STRBUF_INIT;

	fail(f, SEV_HIGH);
	strbuf_addf(&f->evidence,
		    "mua=%s; resource_guard_id=(empty); no guards.csv row",
		    onoff_names[v->mua == ON]);
	strbuf_adds(&f->detail,
		    "no Resource Guard protects the vault: one person with "
		    "Backup Contributor on it can disable soft delete, cut "
		    "retention or stop protection with delete data, with "
		    "no second person involved");
	if (v->mua == ON)
		strbuf_adds(&f->detail,
			    "; mua=Enabled but no proxy is linked: check the "
			    "export");
	strbuf_add_shell_word(&loc, v->location);
	strbuf_addf(&f->fix,
		    "have a security admin create a Resource Guard in "
		    "another subscription or tenant, in region %s (az "
		    "dataprotection resource-guard create -g GUARD_RG "
		    "--resource-guard-name GUARD --location %s), give the "
		    "backup admins Reader on it, then link it: az backup "
		    "vault resource-guard-mapping update ",
		    v->location, loc.buf);
	strbuf_release(&loc);
	vault_args(&f->fix, v);
	strbuf_adds(&f->fix, " --resource-guard-id GUARD_ID");
}

/* Where the guard lives compared with the vault. */
static void mua_isolation(const struct vault_view *vv, const char *gsub,
			  const char *gten, struct finding *f)
{
	const struct vault *v = vv->v;

	if (gten[0] && vv->tenant_id[0] && !str_eq_ci(gten, vv->tenant_id)) {
		strbuf_adds(&f->detail,
			    "the guard is in another tenant: the strongest "
			    "isolation");
	} else if (gsub[0] && !str_eq_ci(gsub, v->subscription_id)) {
		strbuf_adds(&f->detail,
			    "the guard is in another subscription: vault "
			    "admins can't approve their own critical "
			    "operations");
	} else if (gsub[0]) {
		fail(f, SEV_MEDIUM);
		strbuf_adds(&f->detail,
			    "the guard is in the vault's own subscription: an "
			    "Owner of that subscription can give themselves "
			    "Contributor on the guard and approve their own "
			    "critical operations (weak isolation)");
		strbuf_adds(&f->fix,
			    "create a Resource Guard in a subscription or "
			    "tenant the backup admins don't control and link "
			    "it instead: az backup vault "
			    "resource-guard-mapping update ");
		vault_args(&f->fix, v);
		strbuf_adds(&f->fix, " --resource-guard-id NEW_GUARD_ID");
	} else {
		fail(f, SEV_INFO);
		strbuf_adds(&f->detail,
			    "the guard's subscription is unknown (malformed "
			    "resource_guard_id): isolation can't be checked");
		strbuf_adds(&f->fix, "check the vault's Resource Guard in the "
				     "portal and re-export");
	}
}

void audit_mua(const struct vault_view *vv,
		 const struct audit_inputs *in, struct finding *f)
{
	const struct vault *v = vv->v;
	const struct guard *g = vv->guard;
	const char *gid = g ? g->resource_guard_id : v->resource_guard_id;
	const char *gsub = g ? g->guard_subscription_id : "";
	const char *gten = g ? g->guard_tenant_id : "";
	struct guard_ops go = { STRBUF_INIT, STRBUF_INIT, 0 };
	char sub[128], rg[128], name[128];

	(void)in;
	if (!gid[0]) {
		mua_no_guard(vv, f);
		return;
	}
	if (!gsub[0] && arm_segment(gid, "subscriptions", sub, sizeof(sub)))
		gsub = sub;
	strbuf_addf(&f->evidence,
		    "mua=%s; resource_guard_id=%s; guard_subscription_id=%s "
		    "(vault subscription_id=%s)",
		    onoff_names[v->mua == ON], gid, gsub[0] ? gsub : "?",
		    v->subscription_id);
	if (gten[0])
		strbuf_addf(&f->evidence, "; guard_tenant_id=%s", gten);
	mua_isolation(vv, gsub, gten, f);
	if (v->mua != ON)
		add_part(&f->detail, "; ",
			 "mua=Disabled although a proxy is linked: the export "
			 "may be stale");
	if (g) {
		scan_excluded(g->excluded_operations, &go);
		scan_protected(g->protected_operations, &go);
	}
	if (g && g->excluded_operations[0])
		add_part(&f->evidence, "; ", "excluded_operations=%s",
			 g->excluded_operations);
	if (go.nexcluded) {
		add_part(&f->detail, "; ", "not protected by MUA: %s",
			 go.excluded.buf);
		if (f->pass && arm_segment(gid, "resourceGroups", rg,
					   sizeof(rg)) &&
		    arm_segment(gid, "resourceGuards", name, sizeof(name))) {
			add_part(&f->fix, "; ",
				 "optional: protect the excluded operations "
				 "too: az dataprotection resource-guard "
				 "update -g ");
			strbuf_add_shell_word(&f->fix, rg);
			strbuf_adds(&f->fix, " --resource-guard-name ");
			strbuf_add_shell_word(&f->fix, name);
			strbuf_adds(&f->fix,
				    " --resource-type "
				    "Microsoft.RecoveryServices/vaults "
				    "--critical-operation-exclusion-list "
				    "(only those to keep excluded)");
		}
	}
	if (go.inconsistent.len) {
		if (f->pass || f->severity < SEV_MEDIUM)
			fail(f, SEV_MEDIUM);
		add_part(&f->detail, "; ", "snapshot inconsistent: %s",
			 go.inconsistent.buf);
		add_part(&f->fix, "; ",
			 "re-export, and check the guard's "
			 "vaultCriticalOperationExclusionList and "
			 "resourceGuardOperations in the portal");
	}
	strbuf_release(&go.excluded);
	strbuf_release(&go.inconsistent);
}

