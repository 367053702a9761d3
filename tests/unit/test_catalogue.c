/*
 * test_catalogue.c - the serverless name catalogue: the built-in table, the
 * pattern language, specificity, class masks and --catalogue files.
 *
 * The TSV examples below are copied from serverless_catalogue.tsv (the
 * "example" column), so the test does not read the table it checks.  The
 * lab names come from pcaps/lab/EXPECTED.tsv and crafted/long_sni.pcap.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catalogue.h"

#define BUILTIN_TSV_ROWS	75	/* rows of serverless_catalogue.tsv */
#define BUILTIN_REF_ROWS	3	/* reference-rule suffixes added */

/* ---- helpers ---------------------------------------------------------- */

/* Matches a NUL-terminated name through an exact-size heap copy, so ASan
 * sees any read past len. */
static const struct catalogue_entry *
match(const struct catalogue *cat, const char *name)
{
	const struct catalogue_entry *e;
	size_t len = strlen(name);
	char *copy = malloc(len > 0 ? len : 1);

	assert_non_null(copy);
	memcpy(copy, name, len);
	e = catalogue_match(cat, copy, len);
	free(copy);
	return e;
}

static const char *
match_platform(const struct catalogue *cat, const char *name)
{
	const struct catalogue_entry *e = match(cat, name);

	return e != NULL ? e->platform : "(none)";
}

static const char *
match_pattern(const struct catalogue *cat, const char *name)
{
	const struct catalogue_entry *e = match(cat, name);

	return e != NULL ? e->pattern : "(none)";
}

/* Loads a catalogue from len bytes in memory (exact-size heap copy). */
static struct catalogue *
load_mem(const char *text, size_t len, char *err, size_t errlen)
{
	struct catalogue *cat;
	char *copy;
	FILE *fp;

	err[0] = '\0';
	if (len == 0)
		fp = fopen("/dev/null", "r");
	else {
		copy = malloc(len);
		assert_non_null(copy);
		memcpy(copy, text, len);
		fp = fmemopen(copy, len, "r");
		assert_non_null(fp);
		cat = catalogue_load_stream(fp, "mem", err, errlen);
		fclose(fp);
		free(copy);
		return cat;
	}
	assert_non_null(fp);
	cat = catalogue_load_stream(fp, "mem", err, errlen);
	fclose(fp);
	return cat;
}

static struct catalogue *
load_str(const char *text, char *err, size_t errlen)
{
	return load_mem(text, strlen(text), err, errlen);
}

static const char *
data_path(const char *file, char *buf, size_t len)
{
	const char *srcdir = getenv("srcdir");

	snprintf(buf, len, "%s/tests/data/catalogue/%s",
	    srcdir != NULL ? srcdir : ".", file);
	return buf;
}

/* ---- the TSV examples ------------------------------------------------- */

struct example {
	const char	*name;
	const char	*platform;	/* its own row */
	const char	*pattern;	/* its own row's pattern */
	const char	*class_name;
};

/* serverless_catalogue.tsv "example", "product", "pattern", "class"
 * columns, in order (Tencent API Gateway: corrected pattern, see
 * catalogue.c). */
static const struct example tsv_examples[] = {
	{ "api-relay.acme-dev.workers.dev",
	    "Workers (production route)",
	    "*.*.workers.dev", "edge" },
	{ "a1b2c3d4-api-relay.acme-dev.workers.dev",
	    "Workers preview URLs (version/alias)",
	    "*-*.*.workers.dev", "edge" },
	{ "cloudflareworkers.com",
	    "Workers legacy preview/playground service (wrangler v1)",
	    "cloudflareworkers.com", "edge" },
	{ "acme-site.pages.dev",
	    "Pages (incl. Pages Functions)",
	    "*.pages.dev", "static-with-functions" },
	{ "373f31e2.acme-site.pages.dev",
	    "Pages preview/branch alias",
	    "*.*.pages.dev", "static-with-functions" },
	{ "dozens-moral-quarter-fiction.trycloudflare.com",
	    "Quick Tunnels (TryCloudflare, no account)",
	    "*.trycloudflare.com", "tunnel" },
	{ "region1.v2.argotunnel.com",
	    "Tunnel agent control plane (cloudflared)",
	    "*.v2.argotunnel.com", "tunnel" },
	{ "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com",
	    "Named tunnel CNAME target",
	    "*.cfargotunnel.com", "tunnel" },
	{ "ffk7qc3z5nbl2vdhxw6j4m4gyu0rowzt.lambda-url.eu-west-1.on.aws",
	    "Lambda function URLs",
	    "*.lambda-url.*.on.aws", "serverless" },
	{ "z4675bid1j.execute-api.eu-west-2.amazonaws.com",
	    "API Gateway REST/HTTP APIs (default execute-api endpoint)",
	    "*.execute-api.*.amazonaws.com", "serverless" },
	{ "k2m9xq1b7c.execute-api.us-east-1.amazonaws.com",
	    "API Gateway WebSocket APIs (wss://)",
	    "*.execute-api.*.amazonaws.com", "serverless" },
	{ "a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn",
	    "API Gateway (China partition)",
	    "*.execute-api.*.amazonaws.com.cn", "serverless" },
	{ "main.d2x9k1lq7ab3cd.amplifyapp.com",
	    "Amplify Hosting (SSR/functions)",
	    "*.*.amplifyapp.com", "static-with-functions" },
	{ "d111111abcdef8.cloudfront.net",
	    "CloudFront (CDN; Lambda@Edge / CloudFront Functions)",
	    "*.cloudfront.net", "cdn" },
	{ "k3xq9v2mzl.us-east-2.awsapprunner.com",
	    "App Runner",
	    "*.*.awsapprunner.com", "paas" },
	{ "acme-env.us-east-1.elasticbeanstalk.com",
	    "Elastic Beanstalk",
	    "*.*.elasticbeanstalk.com", "paas" },
	{ "script.google.com",
	    "Apps Script web app (/macros/s/<deploymentId>/exec)",
	    "script.google.com", "shared-script-host" },
	{ "script.googleusercontent.com",
	    "Apps Script ContentService 302 target "
	    "(/macros/echo?user_content_key=)",
	    "script.googleusercontent.com", "shared-script-host" },
	{ "n-aknwylqugtad7abe6fzh5c47svchxgv7l53qtjy-0lu-script."
	    "googleusercontent.com",
	    "Apps Script HtmlService sandbox iframe",
	    "*-script.googleusercontent.com", "shared-script-host" },
	{ "us-central1-acme-prod-381204.cloudfunctions.net",
	    "Cloud Run functions / Cloud Functions (gen1+gen2) "
	    "cloudfunctions.net URL",
	    "*.cloudfunctions.net", "serverless" },
	{ "billing-api-q7x2k9m4ra-uc.a.run.app",
	    "Cloud Run (hash URL, also gen2 functions)",
	    "*.a.run.app", "serverless" },
	{ "billing-api-123456789012.us-central1.run.app",
	    "Cloud Run (deterministic URL, since 2024-09)",
	    "*.*.run.app", "serverless" },
	{ "acme-prod-4f2a1.web.app",
	    "Firebase Hosting (+ Functions/Cloud Run rewrites)",
	    "*.web.app", "static-with-functions" },
	{ "acme-prod-4f2a1.firebaseapp.com",
	    "Firebase Hosting (legacy default domain)",
	    "*.firebaseapp.com", "static-with-functions" },
	{ "acme-prod.uc.r.appspot.com",
	    "App Engine (standard/flex)",
	    "*.appspot.com", "paas" },
	{ "contoso-fn.azurewebsites.net",
	    "Azure Functions / App Service (classic default hostname)",
	    "*.azurewebsites.net", "serverless" },
	{ "myapp-ds27dh7271aah175.westus-01.azurewebsites.net",
	    "Azure Functions / App Service (secure unique default hostname, "
	    "2024+)",
	    "*.*-01.azurewebsites.net", "serverless" },
	{ "contoso-fn.scm.azurewebsites.net",
	    "App Service Kudu/SCM site",
	    "*.scm.azurewebsites.net", "paas" },
	{ "gentle-river-0a1b2c3d4.5.azurestaticapps.net",
	    "Azure Static Web Apps (managed/linked Functions)",
	    "*.azurestaticapps.net", "static-with-functions" },
	{ "contoso-apim.azure-api.net",
	    "Azure API Management gateway",
	    "*.azure-api.net", "edge" },
	{ "contoso-ep-f0ekdgevcngegudb.z01.azurefd.net",
	    "Azure Front Door Standard/Premium endpoint",
	    "*.z01.azurefd.net", "cdn" },
	{ "contoso.azurefd.net",
	    "Azure Front Door classic / CDN",
	    "*.azurefd.net", "cdn" },
	{ "api.salmonrock-c8e120f0.eastus2.azurecontainerapps.io",
	    "Azure Container Apps (incl. Functions on ACA)",
	    "*.azurecontainerapps.io", "serverless" },
	{ "x1y2z3w4-8080.usw2.devtunnels.ms",
	    "Dev Tunnels (VS Code / devtunnel CLI)",
	    "*.devtunnels.ms", "tunnel" },
	{ "acme-web-git-main-acme-team.vercel.app",
	    "Vercel (Functions / Edge Functions / Middleware)",
	    "*.vercel.app", "static-with-functions" },
	{ "acme-web.now.sh",
	    "ZEIT Now (legacy)",
	    "*.now.sh", "static-with-functions" },
	{ "deploy-preview-42--acme-site.netlify.app",
	    "Netlify (Functions / Edge Functions)",
	    "*.netlify.app", "static-with-functions" },
	{ "acme-site.netlify.com",
	    "Netlify (legacy, pre-2020-04-14 sites)",
	    "*.netlify.com", "static-with-functions" },
	{ "abcdefghijklmnopqrst.supabase.co",
	    "Edge Functions (/functions/v1/<name>)",
	    "*.supabase.co", "serverless" },
	{ "abcdefghijklmnopqrst.functions.supabase.co",
	    "Edge Functions legacy functions subdomain",
	    "*.functions.supabase.co", "serverless" },
	{ "acme-api.deno.dev",
	    "Deno Deploy Classic",
	    "*.deno.dev", "edge" },
	{ "acme-api.acme-org.deno.net",
	    "Deno Deploy (new platform)",
	    "*.*.deno.net", "edge" },
	{ "brightly-calm-otter.edgecompute.app",
	    "Compute (ex Compute@Edge)",
	    "*.edgecompute.app", "edge" },
	{ "3c5be533-8e6d-423b-9962-87d9da8d16cd.fwf.app",
	    "Akamai Functions (ex Fermyon Wasm Functions)",
	    "*.fwf.app", "edge" },
	{ "www.example.com.edgekey.net",
	    "EdgeWorkers (no default hostname; runs on customer property "
	    "edge hostnames)",
	    "*.edgekey.net", "cdn" },
	{ "acme-api.fly.dev",
	    "Fly Apps/Machines",
	    "*.fly.dev", "paas" },
	{ "acme-api-x7k2.onrender.com",
	    "Web services / static sites",
	    "*.onrender.com", "paas" },
	{ "backend-production-65d5.up.railway.app",
	    "Railway services",
	    "*.up.railway.app", "paas" },
	{ "acme-app-1a2b3c4d5e6f.herokuapp.com",
	    "Heroku apps (unique default domain)",
	    "*.herokuapp.com", "paas" },
	{ "quiet-lavender-otter.glitch.me",
	    "Glitch projects (hosting ended 2025-07-08)",
	    "*.glitch.me", "paas" },
	{ "0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f-00-1n4h4nuiq6w8j.picard."
	    "replit.dev",
	    "Workspace dev URLs",
	    "*.replit.dev", "paas" },
	{ "acme-tool.replit.app",
	    "Deployments",
	    "*.replit.app", "paas" },
	{ "myrepl.alice.repl.co",
	    "Legacy repl hosting",
	    "*.repl.co", "paas" },
	{ "alice--3e24629c912a11f0b6710224a6c84d84.web.val.run",
	    "HTTP vals",
	    "*.web.val.run", "serverless" },
	{ "sea-lion-app-q6nwz.ondigitalocean.app",
	    "App Platform",
	    "*.ondigitalocean.app", "paas" },
	{ "faas-nyc1-2ef2e6cc.doserverless.co",
	    "Functions (web actions, /api/v1/web/fn-<uuid>/...)",
	    "faas-*.doserverless.co", "serverless" },
	{ "jpopcryemdv3rdlu4j63tmd5cm.apigateway.us-ashburn-1.oci."
	    "customer-oci.com",
	    "OCI API Gateway (public front for OCI Functions)",
	    "*.apigateway.*.oci.customer-oci.com", "serverless" },
	{ "a1b2c3d4e5f.us-ashburn-1.functions.oci.oraclecloud.com",
	    "OCI Functions invoke endpoint (signed requests only)",
	    "*.functions.oci.oraclecloud.com", "serverless" },
	{ "myhelloapp.abcdabcdhye.us-south.codeengine.appdomain.cloud",
	    "Code Engine apps/functions",
	    "*.codeengine.appdomain.cloud", "serverless" },
	{ "us-south.functions.appdomain.cloud",
	    "Cloud Functions (OpenWhisk, deprecated)",
	    "*.functions.appdomain.cloud", "serverless" },
	{ "api-kxqzbtrwpe.cn-hangzhou.fcapp.run",
	    "Function Compute HTTP trigger default domain",
	    "*.fcapp.run", "serverless" },
	{ "1300000000-ab12cd34ef.ap-guangzhou.tencentscf.com",
	    "SCF function URL",
	    "*.tencentscf.com", "serverless" },
	{ "service-4bsx9uek-1300000000.gz.apigw.tencentcs.com",
	    "API Gateway (legacy SCF HTTP trigger)",
	    "service-*.*.apigw.tencentcs.com", "serverless" },
	{ "acme-api-acmeorg-f3f77cc0.koyeb.app",
	    "Koyeb services",
	    "*.koyeb.app", "paas" },
	{ "p01--acme-api--6jbmvhzxwv4y.code.run",
	    "Northflank public ports",
	    "*.code.run", "paas" },
	{ "hushed-koala-quietly.ngrok-free.app",
	    "Free agent endpoints (2023+)",
	    "*.ngrok-free.app", "tunnel" },
	{ "hushed-koala-quietly.ngrok-free.dev",
	    "Free agent endpoints (.dev)",
	    "*.ngrok-free.dev", "tunnel" },
	{ "3f2a-203-0-113-7.ngrok.io",
	    "Legacy/paid endpoints",
	    "*.ngrok.io", "tunnel" },
	{ "acme.ngrok.app",
	    "Paid endpoints",
	    "*.ngrok.app", "tunnel" },
	{ "acme.ngrok.dev",
	    "Paid endpoints",
	    "*.ngrok.dev", "tunnel" },
	{ "connect.ngrok-agent.com",
	    "Agent control plane",
	    "*.ngrok-agent.com", "tunnel" },
	{ "tidy-cats-jump.loca.lt",
	    "localtunnel",
	    "*.loca.lt", "tunnel" },
	{ "a1b2c3d4e5f6.localhost.run",
	    "localhost.run",
	    "*.localhost.run", "tunnel" },
	{ "abc123.serveo.net",
	    "Serveo",
	    "*.serveo.net", "tunnel" },
	{ "rnxyz-203-0-113-7.a.free.pinggy.link",
	    "Pinggy",
	    "*.pinggy.link", "tunnel" },
};

/*
 * Examples that cannot name their own row because another row's pattern is
 * more specific, or identical, for that name.  Each is listed with the row
 * that does win; the test still checks that the example matches its own
 * pattern on its own.
 */
static const struct {
	const char	*name;
	const char	*platform;
	const char	*why;
} tsv_ambiguous[] = {
	{ "api-relay.acme-dev.workers.dev",
	    "Workers preview URLs (version/alias)",
	    "a Worker name with '-' is also an alias preview "
	    "<alias>-<worker>" },
	{ "k2m9xq1b7c.execute-api.us-east-1.amazonaws.com",
	    "API Gateway REST/HTTP APIs (default execute-api endpoint)",
	    "WebSocket and REST APIs share one name form" },
};

static const char *
ambiguous_winner(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tsv_ambiguous) / sizeof(tsv_ambiguous[0]); i++)
		if (strcmp(tsv_ambiguous[i].name, name) == 0)
			return tsv_ambiguous[i].platform;
	return NULL;
}

static void
test_builtin_table(void **state)
{
	struct catalogue *cat;
	const struct catalogue_entry *e;
	char err[128];
	size_t i;

	(void)state;
	cat = catalogue_create_builtin();
	assert_non_null(cat);
	assert_int_equal(catalogue_size(cat),
	    BUILTIN_TSV_ROWS + BUILTIN_REF_ROWS);
	assert_int_equal(catalogue_class_mask(cat), CATALOGUE_MASK_DEFAULT);
	for (i = 0; i < catalogue_size(cat); i++) {
		e = catalogue_entry_at(cat, i);
		assert_non_null(e);
		assert_non_null(e->provider);
		assert_true(e->provider[0] != '\0');
		assert_true(e->platform[0] != '\0');
		assert_true(e->source[0] != '\0');
		assert_string_equal(e->class_name,
		    catalogue_class_name(e->cls));
		assert_true(e->tenant_unique >= -1 && e->tenant_unique <= 1);
		err[0] = '\0';
		assert_int_equal(catalogue_pattern_check(e->pattern,
		    strlen(e->pattern), err, sizeof(err)), 0);
	}
	assert_null(catalogue_entry_at(cat, catalogue_size(cat)));
	for (i = 0; i < catalogue_size(cat); i++)
		assert_int_equal(catalogue_entry_index(cat,
		    catalogue_entry_at(cat, i)), i);
	assert_true(catalogue_entry_index(cat, NULL) == CATALOGUE_NO_INDEX);
	assert_true(catalogue_entry_index(NULL, catalogue_entry_at(cat, 0)) ==
	    CATALOGUE_NO_INDEX);
	{
		struct catalogue_entry other = *catalogue_entry_at(cat, 3);

		assert_true(catalogue_entry_index(cat, &other) ==
		    CATALOGUE_NO_INDEX);
	}
	/* the TSV rows come first, in order */
	for (i = 0; i < BUILTIN_TSV_ROWS; i++) {
		e = catalogue_entry_at(cat, i);
		assert_string_equal(e->platform, tsv_examples[i].platform);
		assert_string_equal(e->pattern, tsv_examples[i].pattern);
		assert_string_equal(e->class_name, tsv_examples[i].class_name);
	}
	e = catalogue_entry_at(cat, 0);
	assert_string_equal(e->provider, "Cloudflare");
	assert_int_equal(e->cls, CATALOGUE_EDGE);
	assert_int_equal(e->tenant_unique, 1);
	catalogue_destroy(cat);
	catalogue_destroy(NULL);
}

static void
test_tsv_examples(void **state)
{
	struct catalogue *cat, *one;
	const struct catalogue_entry *e;
	const char *want;
	char line[512], err[256];
	size_t i, n = sizeof(tsv_examples) / sizeof(tsv_examples[0]);

	(void)state;
	assert_int_equal(n, BUILTIN_TSV_ROWS);
	cat = catalogue_create_builtin();
	assert_non_null(cat);
	for (i = 0; i < n; i++) {
		const struct example *x = &tsv_examples[i];

		e = match(cat, x->name);
		assert_non_null(e);
		want = ambiguous_winner(x->name);
		if (want == NULL) {
			assert_string_equal(e->platform, x->platform);
			assert_string_equal(e->pattern, x->pattern);
		} else
			assert_string_equal(e->platform, want);
		assert_string_equal(e->class_name, x->class_name);

		/* and its own pattern alone matches it */
		snprintf(line, sizeof(line), "%s %s row %zu\n", x->pattern,
		    x->class_name, i);
		one = load_str(line, err, sizeof(err));
		assert_non_null(one);
		assert_non_null(match(one, x->name));
		catalogue_destroy(one);
	}
	catalogue_destroy(cat);
}

static void
test_must_haves(void **state)
{
	static const char *const yes[] = {
		"abc123def4.execute-api.us-east-1.amazonaws.com",
		"x.lambda-url.eu-west-1.on.aws",
		"DEMO-BEACON.Workers.Dev.",
		"demo-beacon.workers.dev",
		"a.b.workers.dev",
		"script.google.com",
		"SCRIPT.GOOGLE.COM.",
		"us-central1-acme-prod-381204.cloudfunctions.net",
		"europe-west1-demo.cloudfunctions.net",
		"asia-northeast1-my-project-123.cloudfunctions.net",
	};
	static const char *const no[] = {
		"evilworkers.dev",
		"workers.dev",
		"workers.dev.evil.com",
		"execute-api.amazonaws.com.evil.net",
		"abc.execute-api.us-east-1.amazonaws.com.evil.net",
		"execute-api.us-east-1.amazonaws.com",
		"abc.execute-api.amazonaws.com",	/* no region */
		"lambda-url.eu-west-1.on.aws",
		"x.lambda-url.on.aws",
		"xscript.google.com",
		"script.google.com.evil.net",
		"www.script.google.com",
		"cloudfunctions.net",
		"evilcloudfunctions.net",
		"www.example.com",
		"cloudflare-ech.com",
		"api.example.com",
		"edge.example.net",
		"google.com",
		"dev",
		"",
	};
	struct catalogue *cat = catalogue_create_builtin();
	size_t i;

	(void)state;
	assert_non_null(cat);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (match(cat, yes[i]) == NULL)
			fail_msg("%s should match", yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (match(cat, no[i]) != NULL)
			fail_msg("%s should not match (%s)", no[i],
			    match_platform(cat, no[i]));
	}
	assert_string_equal(match_pattern(cat,
	    "abc123def4.execute-api.us-east-1.amazonaws.com"),
	    "*.execute-api.*.amazonaws.com");
	assert_string_equal(match_pattern(cat,
	    "x.lambda-url.eu-west-1.on.aws"), "*.lambda-url.*.on.aws");
	assert_string_equal(match_pattern(cat, "DEMO-BEACON.Workers.Dev."),
	    "*.workers.dev");
	assert_string_equal(match_pattern(cat, "script.google.com"),
	    "script.google.com");
	assert_string_equal(match_platform(cat,
	    "europe-west1-demo.cloudfunctions.net"),
	    "Cloud Run functions / Cloud Functions (gen1+gen2) "
	    "cloudfunctions.net URL");
	assert_null(catalogue_match(cat, NULL, 0));
	assert_null(catalogue_match(NULL, "a.workers.dev", 13));
	catalogue_destroy(cat);
}

/* The names the lab captures must be attributed to (pcaps/lab/EXPECTED.tsv)
 * and the crafted 115-character SNI (crafted/long_sni.pcap), whose first
 * label has 64 characters. */
static void
test_lab_names(void **state)
{
	static const struct {
		const char	*name;
		const char	*pattern;
	} lab[] = {
		{ "demo-beacon.workers.dev", "*.workers.dev" },
		{ "x1y2z3w4.execute-api.eu-central-1.amazonaws.com",
		    "*.execute-api.*.amazonaws.com" },
		{ "abcd1234efgh.lambda-url.us-west-2.on.aws",
		    "*.lambda-url.*.on.aws" },
		{ "europe-west1-demo.cloudfunctions.net",
		    "*.cloudfunctions.net" },
		{ "script.google.com", "script.google.com" },
		{ "script.googleusercontent.com",
		    "script.googleusercontent.com" },
		{ "demo-app.vercel.app", "*.vercel.app" },
		{ "demo-site.netlify.app", "*.netlify.app" },
		{ "this-is-a-deliberately-very-long-subdomain-label-for-"
		    "testing-sni.truncation-in-ndpi-42.example-c2-relay."
		    "workers.dev", "*.*.workers.dev" },
	};
	struct catalogue *cat = catalogue_create_builtin();
	const struct catalogue_entry *e;
	size_t i;

	(void)state;
	assert_non_null(cat);
	for (i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		assert_string_equal(match_pattern(cat, lab[i].name),
		    lab[i].pattern);
		assert_int_equal(catalogue_classify(cat, lab[i].name,
		    strlen(lab[i].name), &e), CATALOGUE_COUNTED);
		assert_non_null(e);
	}
	catalogue_destroy(cat);
}

static void
test_specificity(void **state)
{
	struct catalogue *cat = catalogue_create_builtin();

	(void)state;
	assert_non_null(cat);
	/* Workers: one label, account subdomain, preview */
	assert_string_equal(match_pattern(cat, "demo.workers.dev"),
	    "*.workers.dev");
	assert_string_equal(match_pattern(cat, "api.acme.workers.dev"),
	    "*.*.workers.dev");
	assert_string_equal(match_pattern(cat,
	    "a1b2c3d4-api.acme.workers.dev"), "*-*.*.workers.dev");
	assert_string_equal(match_platform(cat,
	    "a1b2c3d4-api.acme.workers.dev"),
	    "Workers preview URLs (version/alias)");
	assert_string_equal(match_platform(cat, "api.acme.workers.dev"),
	    "Workers (production route)");
	/* a glob label is one label: a deeper name is a production route */
	assert_string_equal(match_pattern(cat, "x.a1-b.acme.workers.dev"),
	    "*.*.workers.dev");
	/* Pages: more labels wins over the multi-label '*' */
	assert_string_equal(match_pattern(cat, "acme-site.pages.dev"),
	    "*.pages.dev");
	assert_string_equal(match_pattern(cat, "373f31e2.acme-site.pages.dev"),
	    "*.*.pages.dev");
	/* Cloud Run: a literal label beats a '*' label */
	assert_string_equal(match_pattern(cat, "svc-q7x2k9m4ra-uc.a.run.app"),
	    "*.a.run.app");
	assert_string_equal(match_pattern(cat, "svc-1234.us-central1.run.app"),
	    "*.*.run.app");
	assert_string_equal(match_pattern(cat, "svc.run.app"), "*.run.app");
	/* Azure */
	assert_string_equal(match_pattern(cat, "contoso.azurewebsites.net"),
	    "*.azurewebsites.net");
	assert_string_equal(match_pattern(cat,
	    "contoso.scm.azurewebsites.net"), "*.scm.azurewebsites.net");
	assert_string_equal(match_pattern(cat,
	    "app-abc.westus-01.azurewebsites.net"),
	    "*.*-01.azurewebsites.net");
	/* Supabase, Google Apps Script hosts */
	assert_string_equal(match_pattern(cat, "abc.functions.supabase.co"),
	    "*.functions.supabase.co");
	assert_string_equal(match_pattern(cat, "abc.supabase.co"),
	    "*.supabase.co");
	assert_string_equal(match_pattern(cat,
	    "n-abc-0lu-script.googleusercontent.com"),
	    "*-script.googleusercontent.com");
	assert_null(match(cat, "www.googleusercontent.com"));
	assert_null(match(cat, "x.script.googleusercontent.com"));
	/* DigitalOcean glob label */
	assert_string_equal(match_pattern(cat, "faas-nyc1-abc.doserverless.co"),
	    "faas-*.doserverless.co");
	assert_string_equal(match_pattern(cat, "faas-.doserverless.co"),
	    "faas-*.doserverless.co");	/* a glob '*' may be empty */
	assert_null(match(cat, "nyc1.doserverless.co"));
	assert_null(match(cat, "x.faas-nyc1.doserverless.co"));
	/* cloudflareworkers.com: the host and (reference rule) below it */
	assert_string_equal(match_pattern(cat, "cloudflareworkers.com"),
	    "cloudflareworkers.com");
	assert_string_equal(match_pattern(cat, "abc.cloudflareworkers.com"),
	    "*.cloudflareworkers.com");
	catalogue_destroy(cat);
}

static void
test_pattern_language(void **state)
{
	static const char text[] =
	    "*.multi.test edge multi\n"
	    "a.*.single.test edge single\n"
	    "x*y.glob.test edge glob\n"
	    "exact.test edge exact\n"
	    "*.*.two.test edge two\n";
	struct catalogue *cat;
	char err[256];

	(void)state;
	cat = load_str(text, err, sizeof(err));
	assert_non_null(cat);
	/* leading "*": one or more whole labels */
	assert_string_equal(match_platform(cat, "a.multi.test"), "multi");
	assert_string_equal(match_platform(cat, "a.b.c.multi.test"), "multi");
	assert_null(match(cat, "multi.test"));
	assert_null(match(cat, "amulti.test"));
	assert_null(match(cat, ".multi.test"));
	/* inner "*": exactly one label */
	assert_string_equal(match_platform(cat, "a.b.single.test"), "single");
	assert_null(match(cat, "a.single.test"));
	assert_null(match(cat, "a.b.c.single.test"));
	assert_null(match(cat, "b.b.single.test"));
	/* glob within one label, zero or more characters */
	assert_string_equal(match_platform(cat, "xy.glob.test"), "glob");
	assert_string_equal(match_platform(cat, "x-any-y.glob.test"), "glob");
	assert_string_equal(match_platform(cat, "XyyY.glob.test"), "glob");
	assert_null(match(cat, "x.y.glob.test"));
	assert_null(match(cat, "xyz.glob.test"));
	assert_null(match(cat, "ay.glob.test"));
	/* exact */
	assert_string_equal(match_platform(cat, "exact.test"), "exact");
	assert_string_equal(match_platform(cat, "EXACT.TEST."), "exact");
	assert_null(match(cat, "a.exact.test"));
	assert_null(match(cat, "exact.test.."));
	/* multi then single */
	assert_null(match(cat, "a.two.test"));
	assert_string_equal(match_platform(cat, "a.b.two.test"), "two");
	assert_string_equal(match_platform(cat, "a.b.c.two.test"), "two");
	catalogue_destroy(cat);
}

static void
test_malformed_names(void **state)
{
	struct catalogue *cat = catalogue_create_builtin();
	char name[300];
	size_t i;

	(void)state;
	assert_non_null(cat);
	assert_null(match(cat, "a..workers.dev"));
	assert_null(match(cat, ".workers.dev"));
	assert_null(match(cat, "a.workers.dev.."));
	assert_null(match(cat, "."));
	assert_null(match(cat, "a b.workers.dev"));
	assert_null(match(cat, "a\x01.workers.dev"));
	assert_null(match(cat, "a\x80.workers.dev"));
	assert_null(catalogue_match(cat, "a\0b.workers.dev", 15));
	/* len bounds the name: the bytes after it are not looked at */
	assert_non_null(catalogue_match(cat, "a.workers.dev.evil.com", 13));
	assert_null(catalogue_match(cat, "a.workers.dev", 12));
	/* 255 characters match, 256 do not (one trailing dot allowed) */
	memset(name, 'a', sizeof(name));
	for (i = 63; i < 240; i += 64)
		name[i] = '.';
	memcpy(name + 255 - 12, ".workers.dev", 12);
	name[255] = '\0';
	assert_int_equal(strlen(name), 255);
	assert_non_null(match(cat, name));
	name[255] = '.';
	name[256] = '\0';
	assert_non_null(match(cat, name));
	name[255] = 'x';
	memcpy(name + 256 - 12, ".workers.dev", 12);
	assert_null(match(cat, name));
	catalogue_destroy(cat);
}

/* Every prefix and every suffix of the must-have names, through exact-size
 * heap copies: no read past len; a strict prefix (cut inside the TLD) never
 * matches; the whole name does. */
static void
test_truncated_names(void **state)
{
	static const char *const names[] = {
		"abc123def4.execute-api.us-east-1.amazonaws.com",
		"x.lambda-url.eu-west-1.on.aws",
		"demo-beacon.workers.dev",
		"script.google.com",
		"n-abc-0lu-script.googleusercontent.com",
	};
	struct catalogue *cat = catalogue_create_builtin();
	const struct catalogue_entry *e;
	size_t i, cut, len;
	char *copy;

	(void)state;
	assert_non_null(cat);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		len = strlen(names[i]);
		for (cut = 0; cut <= len; cut++) {
			copy = malloc(cut > 0 ? cut : 1);
			assert_non_null(copy);
			memcpy(copy, names[i], cut);
			e = catalogue_match(cat, copy, cut);
			if (cut < len)
				assert_null(e);
			else
				assert_non_null(e);
			free(copy);
			copy = malloc(len - cut > 0 ? len - cut : 1);
			assert_non_null(copy);
			memcpy(copy, names[i] + cut, len - cut);
			(void)catalogue_match(cat, copy, len - cut);
			free(copy);
		}
	}
	catalogue_destroy(cat);
}

static void
test_class_mask(void **state)
{
	struct catalogue *cat = catalogue_create_builtin();
	const struct catalogue_entry *e;
	const char *cf = "d111111abcdef8.cloudfront.net";
	const char *wk = "demo-beacon.workers.dev";
	const char *tn = "dozens-moral-quarter-fiction.trycloudflare.com";
	char err[256];
	unsigned m;

	(void)state;
	assert_non_null(cat);
	assert_true(catalogue_class_counts(cat, CATALOGUE_SERVERLESS));
	assert_true(catalogue_class_counts(cat, CATALOGUE_TUNNEL));
	assert_false(catalogue_class_counts(cat, CATALOGUE_CDN));
	assert_false(catalogue_class_counts(cat, CATALOGUE_NCLASSES));
	/* default: cdn names are known but not counted */
	assert_int_equal(catalogue_classify(cat, cf, strlen(cf), &e),
	    CATALOGUE_NOT_COUNTED);
	assert_non_null(e);
	assert_string_equal(e->class_name, "cdn");
	assert_string_equal(e->provider, "Amazon Web Services");
	assert_int_equal(catalogue_classify(cat, wk, strlen(wk), &e),
	    CATALOGUE_COUNTED);
	assert_int_equal(catalogue_classify(cat, "www.example.com", 15, &e),
	    CATALOGUE_NO_MATCH);
	assert_null(e);
	assert_int_equal(catalogue_classify(cat, wk, strlen(wk), NULL),
	    CATALOGUE_COUNTED);
	/* the mask decides, not the match: the best match stays the same */
	catalogue_set_class_mask(cat, CATALOGUE_CLASS_BIT(CATALOGUE_TUNNEL));
	assert_int_equal(catalogue_class_mask(cat),
	    CATALOGUE_CLASS_BIT(CATALOGUE_TUNNEL));
	assert_int_equal(catalogue_classify(cat, wk, strlen(wk), &e),
	    CATALOGUE_NOT_COUNTED);
	assert_string_equal(e->pattern, "*.workers.dev");
	assert_int_equal(catalogue_classify(cat, tn, strlen(tn), &e),
	    CATALOGUE_COUNTED);
	catalogue_set_class_mask(cat, 0xffffffffu);
	assert_int_equal(catalogue_class_mask(cat), CATALOGUE_MASK_ALL);
	assert_int_equal(catalogue_classify(cat, cf, strlen(cf), &e),
	    CATALOGUE_COUNTED);
	catalogue_set_class_mask(cat, 0);
	assert_int_equal(catalogue_classify(cat, wk, strlen(wk), &e),
	    CATALOGUE_NOT_COUNTED);
	catalogue_destroy(cat);
	catalogue_set_class_mask(NULL, 1);
	assert_int_equal(catalogue_class_mask(NULL), 0);

	/* the class list of --classes */
	assert_int_equal(catalogue_class_mask_parse("serverless ,\tedge ", &m,
	    err, sizeof(err)), 0);
	assert_int_equal(m, CATALOGUE_CLASS_BIT(CATALOGUE_SERVERLESS) |
	    CATALOGUE_CLASS_BIT(CATALOGUE_EDGE));
	assert_int_equal(catalogue_class_mask_parse("all", &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m, CATALOGUE_MASK_ALL);
	assert_int_equal(catalogue_class_mask_parse("default,CDN", &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m, CATALOGUE_MASK_ALL);
	assert_int_equal(catalogue_class_mask_parse("default", &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m, CATALOGUE_MASK_DEFAULT);
	m = 12345;
	assert_int_equal(catalogue_class_mask_parse("edge,bogus", &m, err,
	    sizeof(err)), -1);
	assert_int_equal(m, 12345);
	assert_non_null(strstr(err, "unknown class \"bogus\""));
	assert_int_equal(catalogue_class_mask_parse("", &m, err,
	    sizeof(err)), -1);
	assert_int_equal(catalogue_class_mask_parse("edge,,tunnel", &m, err,
	    sizeof(err)), -1);
	assert_int_equal(catalogue_class_mask_parse(NULL, &m, err,
	    sizeof(err)), -1);
}

static void
test_class_names(void **state)
{
	enum catalogue_class c;
	int i;

	(void)state;
	for (i = 0; i < CATALOGUE_NCLASSES; i++) {
		const char *s = catalogue_class_name((enum catalogue_class)i);

		assert_int_equal(catalogue_class_from_name(s, strlen(s), &c),
		    0);
		assert_int_equal(c, i);
	}
	assert_string_equal(catalogue_class_name(CATALOGUE_STATIC_FUNCTIONS),
	    "static-with-functions");
	assert_string_equal(catalogue_class_name(CATALOGUE_NCLASSES), "?");
	assert_int_equal(catalogue_class_from_name("Shared-Script-Host", 18,
	    &c), 0);
	assert_int_equal(c, CATALOGUE_SHARED_SCRIPT_HOST);
	assert_int_equal(catalogue_class_from_name("edg", 3, &c), -1);
	assert_int_equal(catalogue_class_from_name("edges", 5, &c), -1);
	assert_int_equal(catalogue_class_from_name("edges", 4, &c), 0);
	assert_int_equal(catalogue_class_from_name(NULL, 0, &c), -1);
	assert_string_equal(catalogue_verdict_name(CATALOGUE_NOT_COUNTED),
	    "not-counted");
	assert_string_equal(catalogue_verdict_name(CATALOGUE_COUNTED),
	    "counted");
	assert_string_equal(catalogue_verdict_name(CATALOGUE_NO_MATCH),
	    "no-match");
}

static void
test_pattern_check(void **state)
{
	static const char *const good[] = {
		"*.workers.dev", "*-*.*.workers.dev", "faas-*.doserverless.co",
		"script.google.com", "*.EXECUTE-API.*.amazonaws.com.",
		"a_b.example", "com",
	};
	static const struct {
		const char	*p;
		const char	*why;
	} bad[] = {
		{ "", "empty pattern" },
		{ ".", "empty pattern" },
		{ "*", "last label" },
		{ "*.*", "last label" },
		{ "workers.*", "last label" },
		{ "a.dev*", "last label" },
		{ "a..dev", "empty label" },
		{ ".a.dev", "empty label" },
		{ "a.dev..", "empty label" },
		{ "a b.dev", "byte 0x20" },
		{ "a/b.dev", "character '/'" },
		{ "a\tb.dev", "byte 0x09" },
		{ "a\xc3\xa9.dev", "byte 0xc3" },
	};
	char label[80], longp[300], err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(catalogue_pattern_check(good[i],
		    strlen(good[i]), err, sizeof(err)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(catalogue_pattern_check(bad[i].p,
		    strlen(bad[i].p), err, sizeof(err)), -1);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", bad[i].p,
			    err, bad[i].why);
	}
	/* labels: 63 ok, 64 not */
	memset(label, 'a', 63);
	memcpy(label + 63, ".dev", 5);
	assert_int_equal(catalogue_pattern_check(label, strlen(label), err,
	    sizeof(err)), 0);
	memset(label, 'a', 64);
	memcpy(label + 64, ".dev", 5);
	assert_int_equal(catalogue_pattern_check(label, strlen(label), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 63"));
	/* names: 255 ok (plus a trailing dot), 256 not */
	memset(longp, 'a', sizeof(longp));
	for (i = 50; i < 250; i += 51)
		longp[i] = '.';
	longp[255] = '\0';
	assert_int_equal(catalogue_pattern_check(longp, 255, err,
	    sizeof(err)), 0);
	longp[255] = '.';
	assert_int_equal(catalogue_pattern_check(longp, 256, err,
	    sizeof(err)), 0);
	longp[255] = 'a';
	assert_int_equal(catalogue_pattern_check(longp, 256, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 255"));
	assert_int_equal(catalogue_pattern_check(NULL, 0, NULL, 0), -1);
	assert_int_equal(catalogue_pattern_check("a..b", 4, NULL, 0), -1);
}

/* The shared TSV loads as a file and gives the built-in's TSV rows. */
static void
test_load_shared_tsv(void **state)
{
	struct catalogue *cat, *builtin;
	const struct catalogue_entry *a, *b;
	char path[1024], err[256];
	size_t i;

	(void)state;
	cat = catalogue_load(data_path("serverless_catalogue.tsv", path,
	    sizeof(path)), err, sizeof(err));
	if (cat == NULL)
		fail_msg("%s", err);
	builtin = catalogue_create_builtin();
	assert_non_null(builtin);
	assert_int_equal(catalogue_size(cat), BUILTIN_TSV_ROWS);
	assert_int_equal(catalogue_class_mask(cat), CATALOGUE_MASK_DEFAULT);
	for (i = 0; i < BUILTIN_TSV_ROWS; i++) {
		a = catalogue_entry_at(cat, i);
		b = catalogue_entry_at(builtin, i);
		assert_string_equal(a->provider, b->provider);
		assert_string_equal(a->platform, b->platform);
		assert_string_equal(a->source, b->source);
		assert_int_equal(a->cls, b->cls);
		assert_string_equal(a->class_name, b->class_name);
		assert_int_equal(a->tenant_unique, b->tenant_unique);
		if (strcmp(a->pattern, b->pattern) != 0) {
			/* the one corrected row */
			assert_string_equal(a->pattern,
			    "service-*.apigw.tencentcs.com");
			assert_string_equal(b->pattern,
			    "service-*.*.apigw.tencentcs.com");
		}
	}
	/* the examples again, through the loaded table */
	for (i = 0; i < BUILTIN_TSV_ROWS; i++) {
		const char *want = ambiguous_winner(tsv_examples[i].name);

		if (strstr(tsv_examples[i].name, ".apigw.tencentcs.com") !=
		    NULL) {
			assert_null(match(cat, tsv_examples[i].name));
			continue;
		}
		assert_string_equal(match_platform(cat, tsv_examples[i].name),
		    want != NULL ? want : tsv_examples[i].platform);
	}
	catalogue_destroy(builtin);
	catalogue_destroy(cat);
}

static void
test_load_simple(void **state)
{
	static const char text[] =
	    "# comment\r\n"
	    "\r\n"
	    "   # indented comment\n"
	    "*.Workers.Dev.\tEDGE\tCloudflare \tWorkers \r\n"
	    "  script.google.com   shared-script-host\n"
	    "*.cloudfront.net cdn Amazon CloudFront\n"
	    "*.ngrok.io tunnel ngrok # not a comment";	/* no final LF */
	struct catalogue *cat;
	const struct catalogue_entry *e;
	char path[1024], err[256];

	(void)state;
	cat = load_str(text, err, sizeof(err));
	if (cat == NULL)
		fail_msg("%s", err);
	assert_int_equal(catalogue_size(cat), 4);
	e = catalogue_entry_at(cat, 0);
	assert_string_equal(e->pattern, "*.workers.dev");
	assert_string_equal(e->platform, "Cloudflare  Workers");
	assert_string_equal(e->provider, "custom");
	assert_string_equal(e->class_name, "edge");
	assert_string_equal(e->source, "");
	assert_int_equal(e->tenant_unique, -1);
	e = catalogue_entry_at(cat, 1);
	assert_string_equal(e->platform, "script.google.com");
	assert_int_equal(e->cls, CATALOGUE_SHARED_SCRIPT_HOST);
	e = catalogue_entry_at(cat, 3);
	assert_string_equal(e->platform, "ngrok # not a comment");
	assert_string_equal(match_platform(cat, "DEMO-BEACON.Workers.Dev."),
	    "Cloudflare  Workers");
	assert_int_equal(catalogue_classify(cat, "d1.cloudfront.net", 17,
	    &e), CATALOGUE_NOT_COUNTED);
	/* a replacement list: what it does not list is not matched */
	assert_null(match(cat, "x.lambda-url.eu-west-1.on.aws"));
	catalogue_destroy(cat);

	cat = catalogue_load(data_path("simple.txt", path, sizeof(path)),
	    err, sizeof(err));
	if (cat == NULL)
		fail_msg("%s", err);
	assert_int_equal(catalogue_size(cat), 7);
	assert_string_equal(match_platform(cat, "a1b2-api.acme.workers.dev"),
	    "Cloudflare Workers preview");
	assert_string_equal(match_platform(cat,
	    "abc123def4.execute-api.us-east-1.amazonaws.com"),
	    "AWS API Gateway");
	assert_string_equal(match_platform(cat, "a-b-c.trycloudflare.com"),
	    "*.trycloudflare.com");
	catalogue_destroy(cat);
}

static void
test_load_tsv_variants(void **state)
{
	static const char text[] =
	    "# a TSV with extra and reordered columns\n"
	    "Pattern\tnotes\tCLASS\tProvider\tplatform\tsource\n"
	    "*.fly.dev\tx\tpaas\tFly.io\tFly Apps\thttps://fly.io/docs/\n"
	    "\n"
	    "*.deno.dev\t\tedge\tDeno\n";	/* short row: no platform */
	struct catalogue *cat;
	const struct catalogue_entry *e;
	char err[256];

	(void)state;
	cat = load_str(text, err, sizeof(err));
	if (cat == NULL)
		fail_msg("%s", err);
	assert_int_equal(catalogue_size(cat), 2);
	e = catalogue_entry_at(cat, 0);
	assert_string_equal(e->provider, "Fly.io");
	assert_string_equal(e->platform, "Fly Apps");
	assert_string_equal(e->source, "https://fly.io/docs/");
	assert_int_equal(e->cls, CATALOGUE_PAAS);
	assert_int_equal(e->tenant_unique, -1);
	e = catalogue_entry_at(cat, 1);
	assert_string_equal(e->provider, "Deno");
	assert_string_equal(e->platform, "*.deno.dev");
	assert_string_equal(match_pattern(cat, "acme.deno.dev"),
	    "*.deno.dev");
	catalogue_destroy(cat);
}

static void
test_load_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} cases[] = {
		{ "", "mem: no patterns" },
		{ "# only\n\n  \n", "mem: no patterns" },
		{ "provider\tproduct\tclass\tpattern\n", "mem: no patterns" },
		{ "*.a.dev edge\n*.b.dev bogus x\n",
		    "mem:2: unknown class \"bogus\"" },
		{ "*.a.dev\n", "mem:1: missing class" },
		{ "# c\n*.a.dev edge\n\n*.b/c.dev edge\n",
		    "mem:4: character '/' not allowed" },
		{ "*.a.dev edge\n*.*\tedge\n", "mem:2: the last label" },
		{ "a..dev edge\n", "mem:1: empty label" },
		{ "*.a.dev edge\n*.b.dev edge \x01 label\n",
		    "mem:2: label: byte 0x01" },
		{ "*.a.dev edge lab\xc3\xa9l\n", "mem:1: label: byte 0xc3" },
		{ "*.a.dev edge\n*.b.dev\0 edge\n", "mem:2: NUL byte" },
		{ "provider\tproduct\tclass\n", "mem:1: TSV header has no "
		    "\"pattern\"" },
		{ "pattern\tclass\tproduct\n", "mem:1: TSV header has no "
		    "\"provider\"" },
		{ "pattern\tclass\tprovider\n", "mem:1: TSV header has no "
		    "\"product\"" },
		{ "provider\tplatform\tpattern\n", "mem:1: TSV header has no "
		    "\"class\"" },
		{ "provider\tproduct\tclass\tpattern\tPattern\n",
		    "mem:1: duplicate column \"Pattern\"" },
		{ "provider\tproduct\tclass\tpattern\nP\tX\tedge\t*.a.dev\tz\n",
		    "mem:2: more fields than the 4 of the header" },
		{ "provider\tproduct\tclass\tpattern\nP\tX\tedge\n",
		    "mem:2: 3 fields: no pattern or class" },
		{ "provider\tproduct\tclass\tpattern\nP\tX\t\t*.a.dev\n",
		    "mem:2: missing class" },
		{ "provider\tproduct\tclass\tpattern\nP\tX\tedge\t\n",
		    "mem:2: empty pattern" },
		{ "provider\tproduct\tclass\tpattern\ttenant_unique\n"
		    "P\tX\tedge\t*.a.dev\tmaybe\n",
		    "mem:2: tenant_unique must be yes, no or empty" },
	};
	struct catalogue *cat;
	char err[256];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the NUL case needs its real length */
		len = strlen(cases[i].text);
		if (strstr(cases[i].err, "NUL") != NULL)
			len = sizeof("*.a.dev edge\n*.b.dev\0 edge\n") - 1;
		cat = load_mem(cases[i].text, len, err, sizeof(err));
		if (cat != NULL)
			fail_msg("case %zu loaded", i);
		if (strstr(err, cases[i].err) != err)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
			    cases[i].err);
	}
	cat = catalogue_load("/nonexistent/catalogue.tsv", err, sizeof(err));
	assert_null(cat);
	assert_string_equal(err,
	    "/nonexistent/catalogue.tsv: No such file or directory");
	cat = catalogue_load("/", err, sizeof(err));
	assert_null(cat);
	assert_non_null(strstr(err, "/: read error"));
	/* a NULL or short error buffer is fine */
	assert_null(load_mem("x", 1, err, 1));
	assert_null(catalogue_load_stream(NULL, NULL, NULL, 0));
	assert_null(catalogue_load(NULL, NULL, 0));
}

static void
test_load_limits(void **state)
{
	char *buf, err[256], field[CATALOGUE_SOURCE_MAX + 2];
	struct catalogue *cat;
	size_t i, n, cap;

	(void)state;
	/* the longest line loads, one byte more does not */
	cap = CATALOGUE_LINE_MAX + 64;
	buf = malloc(cap);
	assert_non_null(buf);
	memset(buf, ' ', CATALOGUE_LINE_MAX);
	memcpy(buf, "*.a.dev edge x", 14);
	buf[CATALOGUE_LINE_MAX - 1] = 'y';
	buf[CATALOGUE_LINE_MAX] = '\n';
	cat = load_mem(buf, CATALOGUE_LINE_MAX + 1, err, sizeof(err));
	assert_null(cat);	/* the label is too long for a platform */
	assert_non_null(strstr(err, "mem:1: label longer than 128"));
	memset(buf, '#', CATALOGUE_LINE_MAX);
	memcpy(buf + CATALOGUE_LINE_MAX, "\n*.a.dev edge\n", 14);
	cat = load_mem(buf, CATALOGUE_LINE_MAX + 14, err, sizeof(err));
	assert_non_null(cat);
	assert_int_equal(catalogue_size(cat), 1);
	catalogue_destroy(cat);
	memset(buf, '#', CATALOGUE_LINE_MAX + 1);
	memcpy(buf + CATALOGUE_LINE_MAX + 1, "\n*.a.dev edge\n", 14);
	cat = load_mem(buf, CATALOGUE_LINE_MAX + 15, err, sizeof(err));
	assert_null(cat);
	assert_string_equal(err, "mem:1: line longer than 2048 bytes");
	free(buf);

	/* field limits: provider 64, platform 128, source 512 */
	memset(field, 'p', sizeof(field));
	field[CATALOGUE_PROVIDER_MAX + 1] = '\0';
	buf = malloc(4096);
	assert_non_null(buf);
	snprintf(buf, 4096, "provider\tproduct\tclass\tpattern\n"
	    "%s\tx\tedge\t*.a.dev\n", field);
	assert_null(load_str(buf, err, sizeof(err)));
	assert_string_equal(err, "mem:2: provider longer than 64 characters");
	field[CATALOGUE_PROVIDER_MAX] = '\0';
	snprintf(buf, 4096, "provider\tproduct\tclass\tpattern\n"
	    "%s\tx\tedge\t*.a.dev\n", field);
	cat = load_str(buf, err, sizeof(err));
	assert_non_null(cat);
	catalogue_destroy(cat);
	memset(field, 's', sizeof(field));
	field[CATALOGUE_SOURCE_MAX + 1] = '\0';
	snprintf(buf, 4096, "provider\tproduct\tclass\tpattern\tsource\n"
	    "P\tx\tedge\t*.a.dev\t%s\n", field);
	assert_null(load_str(buf, err, sizeof(err)));
	assert_string_equal(err,
	    "mem:2: doc_source longer than 512 characters");
	/* header columns */
	buf[0] = '\0';
	for (i = 0; i < CATALOGUE_TSV_MAX_COLUMNS; i++)
		strcat(buf, "pattern\t");
	strcat(buf, "class\n");
	assert_null(load_str(buf, err, sizeof(err)));
	assert_string_equal(err, "mem:1: more than 32 columns in the header");
	free(buf);

	/* CATALOGUE_MAX_PATTERNS patterns load, one more does not */
	n = CATALOGUE_MAX_PATTERNS + 1;
	cap = n * 24 + 1;
	buf = malloc(cap);
	assert_non_null(buf);
	for (i = 0, buf[0] = '\0'; i < n; i++)
		snprintf(buf + strlen(buf), cap - strlen(buf),
		    "*.p%zu.dev edge\n", i);
	cat = load_mem(buf, strlen(buf), err, sizeof(err));
	assert_null(cat);
	assert_string_equal(err, "mem:4097: more than 4096 patterns");
	*strstr(buf, "*.p4096.dev") = '\0';
	cat = load_mem(buf, strlen(buf), err, sizeof(err));
	assert_non_null(cat);
	assert_int_equal(catalogue_size(cat), CATALOGUE_MAX_PATTERNS);
	assert_string_equal(match_pattern(cat, "x.p4095.dev"), "*.p4095.dev");
	assert_string_equal(match_pattern(cat, "x.p0.dev"), "*.p0.dev");
	catalogue_destroy(cat);
	free(buf);
}

/*
 * Every prefix of a valid file loads without reading out of bounds, and
 * never yields a wrong answer: either an error, or the entries of the lines
 * that are complete, in order.  A text file cannot say it was cut short, so
 * a cut inside the last line may still load that line's prefix when it is
 * valid on its own; only the complete lines are compared.
 */
static void
truncate_every_offset(const char *text, size_t len)
{
	struct catalogue *full, *cat;
	const struct catalogue_entry *a, *b;
	char err[256];
	size_t cut, i, complete;

	full = load_mem(text, len, err, sizeof(err));
	if (full == NULL)
		fail_msg("%s", err);
	for (cut = 0; cut <= len; cut++) {
		cat = load_mem(text, cut, err, sizeof(err));
		if (cat == NULL) {
			assert_true(err[0] != '\0');
			continue;
		}
		assert_true(catalogue_size(cat) <= catalogue_size(full));
		/* entries of lines ended by a LF inside the prefix */
		complete = catalogue_size(cat);
		if (cut > 0 && text[cut - 1] != '\n')
			complete--;
		for (i = 0; i < complete; i++) {
			a = catalogue_entry_at(cat, i);
			b = catalogue_entry_at(full, i);
			assert_string_equal(a->pattern, b->pattern);
			assert_string_equal(a->platform, b->platform);
			assert_string_equal(a->provider, b->provider);
			assert_int_equal(a->cls, b->cls);
		}
		catalogue_destroy(cat);
	}
	catalogue_destroy(full);
}

static void
test_truncate_files(void **state)
{
	static const char simple[] =
	    "# simple\n*.workers.dev edge Workers\n"
	    "*.execute-api.*.amazonaws.com serverless API Gateway\n"
	    "script.google.com shared-script-host\n";
	static const char tsv[] =
	    "provider\tproduct\tclass\tpattern\ttenant_unique\texample\t"
	    "doc_source\n"
	    "Cloudflare\tWorkers (production route)\tedge\t*.*.workers.dev\t"
	    "yes\tapi-relay.acme-dev.workers.dev\thttps://developers."
	    "cloudflare.com/workers/configuration/routing/workers-dev/\n"
	    "Amazon Web Services\tLambda function URLs\tserverless\t"
	    "*.lambda-url.*.on.aws\tyes\tx.lambda-url.eu-west-1.on.aws\t"
	    "https://docs.aws.amazon.com/lambda/latest/dg/"
	    "urls-invocation.html\n";

	(void)state;
	truncate_every_offset(simple, sizeof(simple) - 1);
	truncate_every_offset(tsv, sizeof(tsv) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_table),
		cmocka_unit_test(test_tsv_examples),
		cmocka_unit_test(test_must_haves),
		cmocka_unit_test(test_lab_names),
		cmocka_unit_test(test_specificity),
		cmocka_unit_test(test_pattern_language),
		cmocka_unit_test(test_malformed_names),
		cmocka_unit_test(test_truncated_names),
		cmocka_unit_test(test_class_mask),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_pattern_check),
		cmocka_unit_test(test_load_shared_tsv),
		cmocka_unit_test(test_load_simple),
		cmocka_unit_test(test_load_tsv_variants),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_limits),
		cmocka_unit_test(test_truncate_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
