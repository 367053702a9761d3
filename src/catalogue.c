/*
 * catalogue.c - the serverless/edge/tunnel host name catalogue: the
 * built-in pattern table, the pattern matcher and the --catalogue file
 * loader.  See catalogue.h for the pattern language and the file formats.
 *
 * A catalogue owns an array of items: the public entry, the pattern's
 * precomputed shape (label count, leading multi-label '*', specificity) and,
 * for loaded files, one heap block holding the entry's strings.  Built-in
 * entries point at the static table below.  Matching splits the name into
 * labels once (on the stack) and walks each pattern from its right end: no
 * allocation, O(patterns x labels).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "log.h"
#include "cursor.h"

/* A name of 255 characters has at most 128 labels. */
#define CATALOGUE_NAME_LABELS	((CATALOGUE_PATTERN_MAX + 1) / 2)

struct catalogue_item {
	struct catalogue_entry	 e;
	char			*text;		/* owned strings (files) */
	uint16_t		 plen;		/* strlen(e.pattern) */
	uint16_t		 nlabels;	/* labels in the pattern */
	uint16_t		 lit_labels;	/* labels without '*' */
	uint16_t		 lit_chars;	/* characters but '*', '.' */
	int			 multi;		/* leading "*": 1+ labels */
};

struct catalogue {
	struct catalogue_item	*items;
	size_t			 n;
	size_t			 cap;
	unsigned		 mask;
};

/* The labels of a name being matched: offsets and lengths into the name. */
struct catalogue_labels {
	size_t			 n;
	uint16_t		 off[CATALOGUE_NAME_LABELS];
	uint8_t			 len[CATALOGUE_NAME_LABELS];
};

static const char *const catalogue_class_names[CATALOGUE_NCLASSES] = {
	[CATALOGUE_SERVERLESS] = "serverless",
	[CATALOGUE_EDGE] = "edge",
	[CATALOGUE_STATIC_FUNCTIONS] = "static-with-functions",
	[CATALOGUE_PAAS] = "paas",
	[CATALOGUE_SHARED_SCRIPT_HOST] = "shared-script-host",
	[CATALOGUE_TUNNEL] = "tunnel",
	[CATALOGUE_CDN] = "cdn",
};

struct catalogue_row {
	const char		*provider;
	const char		*platform;
	enum catalogue_class	 cls;
	const char		*pattern;
	int			 tenant_unique;
	const char		*source;	/* the row's documentation */
};

/*
 * The built-in list.  Rows 1..75 are the rows of
 * /work/shared/catalogue/serverless_catalogue.tsv in its order (provider,
 * product, class, pattern, tenant_unique, doc_source); the last field of
 * each row is its source as the TSV gives it.  The section at the end adds
 * the reference hunting rule's suffixes (notes/detection.md) that no TSV
 * row covers.  Order matters only for full specificity ties: the earlier
 * row wins (the two API Gateway rows share one pattern, so REST/HTTP is
 * reported for both).
 */
static const struct catalogue_row catalogue_builtin[] = {
	/* ---- Cloudflare */
	{ "Cloudflare", "Workers (production route)",
	    CATALOGUE_EDGE, "*.*.workers.dev", 1,
	    "https://developers.cloudflare.com/workers/configuration/routing/workers-dev/" },
	{ "Cloudflare", "Workers preview URLs (version/alias)",
	    CATALOGUE_EDGE, "*-*.*.workers.dev", 1,
	    "https://developers.cloudflare.com/workers/configuration/previews/" },
	{ "Cloudflare",
	    "Workers legacy preview/playground service (wrangler v1)",
	    CATALOGUE_EDGE, "cloudflareworkers.com", 0,
	    "wrangler v1 README/docs ('Preview your code temporarily on "
	    "cloudflareworkers.com'); legacy - not in PSL" },
	{ "Cloudflare", "Pages (incl. Pages Functions)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.pages.dev", 1,
	    "https://developers.cloudflare.com/pages/configuration/preview-deployments/" },
	{ "Cloudflare", "Pages preview/branch alias",
	    CATALOGUE_STATIC_FUNCTIONS, "*.*.pages.dev", 1,
	    "https://developers.cloudflare.com/pages/configuration/preview-deployments/" },
	{ "Cloudflare", "Quick Tunnels (TryCloudflare, no account)",
	    CATALOGUE_TUNNEL, "*.trycloudflare.com", 1,
	    "https://developers.cloudflare.com/cloudflare-one/networks/connectors/cloudflare-tunnel/do-more-with-tunnels/trycloudflare/" },
	{ "Cloudflare", "Tunnel agent control plane (cloudflared)",
	    CATALOGUE_TUNNEL, "*.v2.argotunnel.com", 0,
	    "SigmaHQ "
	    "rules/windows/network_connection/net_connection_win_domain_cloudflared_communication.yml" },
	{ "Cloudflare", "Named tunnel CNAME target",
	    CATALOGUE_TUNNEL, "*.cfargotunnel.com", 1,
	    "LOTTunnels _lottunnels/Binaries/cloudflared.md (detection "
	    "domains)" },
	/* ---- Amazon Web Services */
	{ "Amazon Web Services", "Lambda function URLs",
	    CATALOGUE_SERVERLESS, "*.lambda-url.*.on.aws", 1,
	    "https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html" },
	{ "Amazon Web Services",
	    "API Gateway REST/HTTP APIs (default execute-api endpoint)",
	    CATALOGUE_SERVERLESS, "*.execute-api.*.amazonaws.com", 1,
	    "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html" },
	{ "Amazon Web Services", "API Gateway WebSocket APIs (wss://)",
	    CATALOGUE_SERVERLESS, "*.execute-api.*.amazonaws.com", 1,
	    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-set-up-websocket-deployment.html" },
	{ "Amazon Web Services", "API Gateway (China partition)",
	    CATALOGUE_SERVERLESS, "*.execute-api.*.amazonaws.com.cn", 1,
	    "Public Suffix List entries "
	    "execute-api.cn-north-1.amazonaws.com.cn / cn-northwest-1" },
	{ "Amazon Web Services", "Amplify Hosting (SSR/functions)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.*.amplifyapp.com", 1,
	    "https://docs.aws.amazon.com/amplify/latest/APIReference/API_App.html "
	    "(appId pattern d[a-z0-9]+, defaultDomain); API_Branch.html "
	    "(displayName = default domain prefix)" },
	{ "Amazon Web Services",
	    "CloudFront (CDN; Lambda@Edge / CloudFront Functions)",
	    CATALOGUE_CDN, "*.cloudfront.net", 1,
	    "CloudFront Developer Guide (distribution domain "
	    "dXXXX.cloudfront.net) [background knowledge; not retrieved "
	    "in-session]" },
	{ "Amazon Web Services", "App Runner",
	    CATALOGUE_PAAS, "*.*.awsapprunner.com", 1,
	    "https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html "
	    "(ServiceUrl: 'subdomain URL that App Runner generated'); PSL "
	    "*.awsapprunner.com" },
	{ "Amazon Web Services", "Elastic Beanstalk",
	    CATALOGUE_PAAS, "*.*.elasticbeanstalk.com", 1,
	    "PSL entries <region>.elasticbeanstalk.com [docs not retrieved "
	    "in-session]" },
	/* ---- Google */
	{ "Google", "Apps Script web app (/macros/s/<deploymentId>/exec)",
	    CATALOGUE_SHARED_SCRIPT_HOST, "script.google.com", 0,
	    "https://developers.google.com/apps-script/guides/web [not "
	    "retrieved]; URL form per developer examples "
	    "(gist.github.com/tanaikech/131ba814a1f6012fd6a5ffe11789971f)" },
	{ "Google",
	    "Apps Script ContentService 302 target "
	    "(/macros/echo?user_content_key=)",
	    CATALOGUE_SHARED_SCRIPT_HOST, "script.googleusercontent.com", 0,
	    "https://developers.google.com/apps-script/guides/content; 302 "
	    "observed in "
	    "https://dev.to/codemee/apps-script-web-apps-hui-ying-wen-zi-nei-rong-de-zhuan-zhi-wen-ti-1056" },
	{ "Google", "Apps Script HtmlService sandbox iframe",
	    CATALOGUE_SHARED_SCRIPT_HOST, "*-script.googleusercontent.com", 1,
	    "observed in public code "
	    "(n-<hash>-0lu-script.googleusercontent.com) [no official doc "
	    "retrieved]" },
	{ "Google",
	    "Cloud Run functions / Cloud Functions (gen1+gen2) "
	    "cloudfunctions.net URL",
	    CATALOGUE_SERVERLESS, "*.cloudfunctions.net", 1,
	    "https://cloud.google.com/functions/docs/calling/http" },
	{ "Google", "Cloud Run (hash URL, also gen2 functions)",
	    CATALOGUE_SERVERLESS, "*.a.run.app", 1,
	    "https://cloud.google.com/run/docs/triggering/https-request ; "
	    "https://cloud.google.com/functions/docs/calling/http" },
	{ "Google", "Cloud Run (deterministic URL, since 2024-09)",
	    CATALOGUE_SERVERLESS, "*.*.run.app", 1,
	    "https://cloud.google.com/run/docs/triggering/https-request" },
	{ "Google", "Firebase Hosting (+ Functions/Cloud Run rewrites)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.web.app", 1,
	    "https://firebase.google.com/docs/reference/hosting/rest/v1beta1/projects.sites "
	    "(siteId builds provisioned subdomains; defaultUrl)" },
	{ "Google", "Firebase Hosting (legacy default domain)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.firebaseapp.com", 1,
	    "https://firebase.google.com/docs/reference/hosting/rest/v1beta1/projects.sites" },
	{ "Google", "App Engine (standard/flex)",
	    CATALOGUE_PAAS, "*.appspot.com", 1,
	    "https://cloud.google.com/appengine/migration-center/run/compare-gae-with-run "
	    "(REGION_ID.r in URLs since Feb 2020); PSL appspot.com, "
	    "*.r.appspot.com" },
	/* ---- Microsoft */
	{ "Microsoft",
	    "Azure Functions / App Service (classic default hostname)",
	    CATALOGUE_SERVERLESS, "*.azurewebsites.net", 1,
	    "https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger "
	    "[not retrieved; /api/<function> prefix per "
	    "learn.microsoft.com/sandbox/functions-recipes/routes]" },
	{ "Microsoft",
	    "Azure Functions / App Service (secure unique default hostname, "
	    "2024+)",
	    CATALOGUE_SERVERLESS, "*.*-01.azurewebsites.net", 1,
	    "https://github.com/MicrosoftDocs/azure-docs/blob/main/articles/app-service/includes/regionalization-note.md" },
	{ "Microsoft", "App Service Kudu/SCM site",
	    CATALOGUE_PAAS, "*.scm.azurewebsites.net", 1,
	    "https://github.com/Azure/azure-functions-host/issues/10090 "
	    "(siteName-<hash>.scm.<region>.azurewebsites.net)" },
	{ "Microsoft", "Azure Static Web Apps (managed/linked Functions)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.azurestaticapps.net", 1,
	    "https://learn.microsoft.com/azure/static-web-apps/ [not "
	    "retrieved]; PSL azurestaticapps.net and "
	    "1..N.azurestaticapps.net" },
	{ "Microsoft", "Azure API Management gateway",
	    CATALOGUE_EDGE, "*.azure-api.net", 1,
	    "https://learn.microsoft.com/azure/api-management/ [not "
	    "retrieved]; PSL azure-api.net" },
	{ "Microsoft", "Azure Front Door Standard/Premium endpoint",
	    CATALOGUE_CDN, "*.z01.azurefd.net", 1,
	    "SigmaHQ "
	    "rules-threat-hunting/windows/network_connection/net_connection_win_susp_azurefd_connection.yml; "
	    "https://lots-project.com/site/2a2e617a75726566642e6e6574" },
	{ "Microsoft", "Azure Front Door classic / CDN",
	    CATALOGUE_CDN, "*.azurefd.net", 1,
	    "SigmaHQ net_connection_win_susp_azurefd_connection.yml; MISP "
	    "lists/lots-project/list.json" },
	{ "Microsoft", "Azure Container Apps (incl. Functions on ACA)",
	    CATALOGUE_SERVERLESS, "*.azurecontainerapps.io", 1,
	    "https://learn.microsoft.com/azure/container-apps/ [not "
	    "retrieved]; format observed in public IaC/code" },
	{ "Microsoft", "Dev Tunnels (VS Code / devtunnel CLI)",
	    CATALOGUE_TUNNEL, "*.devtunnels.ms", 1,
	    "LOTTunnels _lottunnels/CSVs/domains.csv; SigmaHQ "
	    "net_connection_win_domain_devtunnels.yml" },
	/* ---- Vercel */
	{ "Vercel", "Vercel (Functions / Edge Functions / Middleware)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.vercel.app", 1,
	    "https://vercel.com/docs/deployments/generated-urls (format "
	    "reproduced in "
	    "gist.github.com/HananoshikaYomaru/bd635a576e6fff1a4d64c2b469b70587)" },
	{ "Vercel", "ZEIT Now (legacy)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.now.sh", 1,
	    "PSL now.sh; Sublime static-files free_subdomain_hosts.txt "
	    "[legacy]" },
	/* ---- Netlify */
	{ "Netlify", "Netlify (Functions / Edge Functions)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.netlify.app", 1,
	    "https://docs.netlify.com/site-deploys/overview/ [not "
	    "retrieved]; netlify.com->netlify.app move notice "
	    "(github.com/basiljs/basiljs.github.io/issues/171)" },
	{ "Netlify", "Netlify (legacy, pre-2020-04-14 sites)",
	    CATALOGUE_STATIC_FUNCTIONS, "*.netlify.com", 1,
	    "Netlify migration notice quoted in "
	    "github.com/basiljs/basiljs.github.io/issues/171" },
	/* ---- Supabase */
	{ "Supabase", "Edge Functions (/functions/v1/<name>)",
	    CATALOGUE_SERVERLESS, "*.supabase.co", 1,
	    "https://supabase.com/docs/guides/functions [not retrieved]; "
	    "/functions/v1/{function_name} per "
	    "docs.rs/crate/supabase-client-functions" },
	{ "Supabase", "Edge Functions legacy functions subdomain",
	    CATALOGUE_SERVERLESS, "*.functions.supabase.co", 1,
	    "[background knowledge; not verified in-session]" },
	/* ---- Deno */
	{ "Deno", "Deno Deploy Classic",
	    CATALOGUE_EDGE, "*.deno.dev", 1,
	    "https://docs.deno.com/deploy/manual/deployments/" },
	{ "Deno", "Deno Deploy (new platform)",
	    CATALOGUE_EDGE, "*.*.deno.net", 1,
	    "PSL deno.net; format observed in public code [docs not "
	    "retrieved]" },
	/* ---- Fastly */
	{ "Fastly", "Compute (ex Compute@Edge)",
	    CATALOGUE_EDGE, "*.edgecompute.app", 1,
	    "https://www.fastly.com/documentation/guides/compute/getting-started-with-compute "
	    "; fastly CLI default 'Domain: [example.edgecompute.app]'; PSL "
	    "edgecompute.app" },
	/* ---- Akamai */
	{ "Akamai", "Akamai Functions (ex Fermyon Wasm Functions)",
	    CATALOGUE_EDGE, "*.fwf.app", 1,
	    "https://techdocs.akamai.com/akamai-functions/ ; "
	    "https://developer.fermyon.com/wasm-functions (URL form "
	    "<app-id>.fwf.app observed in public code)" },
	{ "Akamai",
	    "EdgeWorkers (no default hostname; runs on customer property "
	    "edge hostnames)",
	    CATALOGUE_CDN, "*.edgekey.net", 1,
	    "https://techdocs.akamai.com/edgeworkers/ [not retrieved]; "
	    "contract-only, not anonymous" },
	/* ---- Fly.io */
	{ "Fly.io", "Fly Apps/Machines",
	    CATALOGUE_PAAS, "*.fly.dev", 1,
	    "https://fly.io/docs/reference/apps/ ; "
	    "https://fly.io/docs/reference/services" },
	/* ---- Render */
	{ "Render", "Web services / static sites",
	    CATALOGUE_PAAS, "*.onrender.com", 1,
	    "https://render.com/docs/web-services [not retrieved]; PSL "
	    "onrender.com" },
	/* ---- Railway */
	{ "Railway", "Railway services",
	    CATALOGUE_PAAS, "*.up.railway.app", 1,
	    "https://docs.railway.com/guides/public-networking [not "
	    "retrieved]; PSL up.railway.app" },
	/* ---- Heroku (Salesforce) */
	{ "Heroku (Salesforce)", "Heroku apps (unique default domain)",
	    CATALOGUE_PAAS, "*.herokuapp.com", 1,
	    "https://raw.githubusercontent.com/heroku/cli/HEAD/docs/domains.md "
	    "(example-xxxxxxxxxxxx.herokuapp.com)" },
	/* ---- Glitch (Fastly) */
	{ "Glitch (Fastly)", "Glitch projects (hosting ended 2025-07-08)",
	    CATALOGUE_PAAS, "*.glitch.me", 1,
	    "https://wiki.archiveteam.org/index.php/Glitch ; "
	    "https://www.theregister.com/2025/05/23/glitch_app_hosting_gone/" },
	/* ---- Replit */
	{ "Replit", "Workspace dev URLs",
	    CATALOGUE_PAAS, "*.replit.dev", 1,
	    "PSL replit.dev (+ cluster labels); format observed in public "
	    "code [docs not retrieved]" },
	{ "Replit", "Deployments",
	    CATALOGUE_PAAS, "*.replit.app", 1,
	    "PSL replit.app [docs not retrieved]" },
	{ "Replit", "Legacy repl hosting",
	    CATALOGUE_PAAS, "*.repl.co", 1,
	    "PSL repl.co; MISP lists/lots-project/list.json (.repl.co) "
	    "[legacy]" },
	/* ---- Val Town */
	{ "Val Town", "HTTP vals",
	    CATALOGUE_SERVERLESS, "*.web.val.run", 1,
	    "PSL val.run, web.val.run; format observed in public code [docs "
	    "not retrieved]" },
	/* ---- DigitalOcean */
	{ "DigitalOcean", "App Platform",
	    CATALOGUE_PAAS, "*.ondigitalocean.app", 1,
	    "https://docs.digitalocean.com/products/app-platform/ [not "
	    "retrieved]; PSL ondigitalocean.app" },
	{ "DigitalOcean", "Functions (web actions, /api/v1/web/fn-<uuid>/...)",
	    CATALOGUE_SERVERLESS, "faas-*.doserverless.co", 0,
	    "https://docs.digitalocean.com/products/functions/ [not "
	    "retrieved]; regional shared host observed in public code" },
	/* ---- Oracle */
	{ "Oracle", "OCI API Gateway (public front for OCI Functions)",
	    CATALOGUE_SERVERLESS, "*.apigateway.*.oci.customer-oci.com", 1,
	    "PSL *.oci.customer-oci.com; "
	    "https://docs.oracle.com/en-us/iaas/Content/APIGateway/home.htm "
	    "[not retrieved]" },
	{ "Oracle", "OCI Functions invoke endpoint (signed requests only)",
	    CATALOGUE_SERVERLESS, "*.functions.oci.oraclecloud.com", 1,
	    "https://docs.oracle.com/en-us/iaas/Content/Functions/Tasks/functionsinvokingfunctions.htm "
	    "(host form: background knowledge)" },
	/* ---- IBM */
	{ "IBM", "Code Engine apps/functions",
	    CATALOGUE_SERVERLESS, "*.codeengine.appdomain.cloud", 1,
	    "IBM Cloud Code Engine docs (example 'curl "
	    "https://myhelloapp.abcdabcdhye.us-south.codeengine.appdomain.cloud')" },
	{ "IBM", "Cloud Functions (OpenWhisk, deprecated)",
	    CATALOGUE_SERVERLESS, "*.functions.appdomain.cloud", 0,
	    "[background knowledge; deprecated service]" },
	/* ---- Alibaba Cloud */
	{ "Alibaba Cloud", "Function Compute HTTP trigger default domain",
	    CATALOGUE_SERVERLESS, "*.fcapp.run", 1,
	    "https://www.alibabacloud.com/help/en/functioncompute/ [not "
	    "retrieved]; format observed in public code" },
	/* ---- Tencent Cloud */
	{ "Tencent Cloud", "SCF function URL",
	    CATALOGUE_SERVERLESS, "*.tencentscf.com", 1,
	    "https://cloud.tencent.com/document/product/583 [not "
	    "retrieved]; format observed in public code" },
	/* TSV pattern "service-*.apigw.tencentcs.com" cannot match its own
	 * example service-4bsx9uek-1300000000.gz.apigw.tencentcs.com: the
	 * region label (gz) sits between; one "*" label added here. */
	{ "Tencent Cloud", "API Gateway (legacy SCF HTTP trigger)",
	    CATALOGUE_SERVERLESS, "service-*.*.apigw.tencentcs.com", 1,
	    "https://cloud.tencent.com/document/product/628 [not "
	    "retrieved]; format observed in public code" },
	/* ---- Koyeb */
	{ "Koyeb", "Koyeb services",
	    CATALOGUE_PAAS, "*.koyeb.app", 1,
	    "https://www.koyeb.com/docs [not retrieved]; format observed in "
	    "public code" },
	/* ---- Northflank */
	{ "Northflank", "Northflank public ports",
	    CATALOGUE_PAAS, "*.code.run", 1,
	    "PSL *.code.run; format observed in public code [docs not "
	    "retrieved]" },
	/* ---- ngrok */
	{ "ngrok", "Free agent endpoints (2023+)",
	    CATALOGUE_TUNNEL, "*.ngrok-free.app", 1,
	    "SigmaHQ "
	    "rules/windows/network_connection/net_connection_win_domain_ngrok.yml "
	    "(refs https://ngrok.com/blog-post/new-ngrok-domains)" },
	{ "ngrok", "Free agent endpoints (.dev)",
	    CATALOGUE_TUNNEL, "*.ngrok-free.dev", 1,
	    "SigmaHQ net_connection_win_domain_ngrok.yml" },
	{ "ngrok", "Legacy/paid endpoints",
	    CATALOGUE_TUNNEL, "*.ngrok.io", 1,
	    "SigmaHQ net_connection_win_domain_ngrok.yml; LOTTunnels "
	    "domains.csv" },
	{ "ngrok", "Paid endpoints",
	    CATALOGUE_TUNNEL, "*.ngrok.app", 1,
	    "SigmaHQ net_connection_win_domain_ngrok.yml" },
	{ "ngrok", "Paid endpoints",
	    CATALOGUE_TUNNEL, "*.ngrok.dev", 1,
	    "SigmaHQ net_connection_win_domain_ngrok.yml" },
	{ "ngrok", "Agent control plane",
	    CATALOGUE_TUNNEL, "*.ngrok-agent.com", 0,
	    "LOTTunnels _lottunnels/CSVs/domains.csv" },
	/* ---- localtunnel */
	{ "localtunnel", "localtunnel",
	    CATALOGUE_TUNNEL, "*.loca.lt", 1,
	    "LOTTunnels _lottunnels/CSVs/domains.csv" },
	/* ---- localhost.run */
	{ "localhost.run", "localhost.run",
	    CATALOGUE_TUNNEL, "*.localhost.run", 1,
	    "LOTTunnels _lottunnels/CSVs/domains.csv" },
	/* ---- Serveo */
	{ "Serveo", "Serveo",
	    CATALOGUE_TUNNEL, "*.serveo.net", 1,
	    "LOTTunnels _lottunnels/CSVs/domains.csv" },
	/* ---- Pinggy */
	{ "Pinggy", "Pinggy",
	    CATALOGUE_TUNNEL, "*.pinggy.link", 1,
	    "LOTTunnels _lottunnels/CSVs/domains.csv" },
	/*
	 * ---- the reference rule's suffixes not covered above.  Its list:
	 * workers.dev, cloudflareworkers.com, execute-api.amazonaws.com,
	 * lambda-url, script.google.com, cloudfunctions.net, run.app,
	 * azurewebsites.net, pages.dev, netlify.app, vercel.app, supabase.co,
	 * deno.dev.  execute-api and lambda-url are matched as the real names
	 * {id}.execute-api.{region}.amazonaws.com and
	 * {id}.lambda-url.{region}.on.aws (rows above); script.google.com,
	 * cloudfunctions.net, azurewebsites.net, pages.dev, netlify.app,
	 * vercel.app, supabase.co and deno.dev are covered above.
	 */
	{ "Cloudflare", "Workers (workers.dev name, reference rule suffix)",
	    CATALOGUE_EDGE, "*.workers.dev", 1,
	    "reference hunting rule (T1584.007) suffix workers.dev, "
	    "notes/detection.md; one-label names such as "
	    "demo-beacon.workers.dev in the lab captures" },
	{ "Cloudflare",
	    "Workers legacy preview service subdomain (reference rule suffix)",
	    CATALOGUE_EDGE, "*.cloudflareworkers.com", -1,
	    "reference hunting rule (T1584.007) suffix cloudflareworkers.com, "
	    "notes/detection.md" },
	{ "Google", "Cloud Run (run.app name, reference rule suffix)",
	    CATALOGUE_SERVERLESS, "*.run.app", 1,
	    "reference hunting rule (T1584.007) suffix run.app, "
	    "notes/detection.md" },
};

#define CATALOGUE_BUILTIN_N \
	(sizeof(catalogue_builtin) / sizeof(catalogue_builtin[0]))

/* ---- small helpers ---------------------------------------------------- */

/* ASCII-only case folding: no locale can change what a name matches. */
static int
catalogue_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Case-insensitive comparison of s (n bytes) with a lower-case word. */
static int
catalogue_word_eq(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' ||
		    catalogue_lower((unsigned char)s[i]) != word[i])
			return 0;
	return word[n] == '\0';
}

/* ---- classes ---------------------------------------------------------- */

const char *
catalogue_class_name(enum catalogue_class cls)
{
	if ((unsigned)cls >= CATALOGUE_NCLASSES)
		return "?";
	return catalogue_class_names[cls];
}

int
catalogue_class_from_name(const char *s, size_t len,
    enum catalogue_class *cls)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < CATALOGUE_NCLASSES; i++)
		if (catalogue_word_eq(s, len, catalogue_class_names[i])) {
			*cls = (enum catalogue_class)i;
			return 0;
		}
	return -1;
}

const char *
catalogue_verdict_name(enum catalogue_verdict v)
{
	switch (v) {
	case CATALOGUE_NO_MATCH:
		return "no-match";
	case CATALOGUE_COUNTED:
		return "counted";
	case CATALOGUE_NOT_COUNTED:
		return "not-counted";
	}
	return "?";
}

int
catalogue_class_mask_parse(const char *list, unsigned *mask, char *err,
    size_t errlen)
{
	enum catalogue_class cls;
	const char *p, *comma;
	unsigned m = 0;
	size_t n;

	if (list == NULL) {
		log_reason(err, errlen, "no class list");
		return -1;
	}
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0) {
			log_reason(err, errlen, "empty class name in \"%s\"",
			    list);
			return -1;
		}
		if (catalogue_word_eq(p, n, "all"))
			m |= CATALOGUE_MASK_ALL;
		else if (catalogue_word_eq(p, n, "default"))
			m |= CATALOGUE_MASK_DEFAULT;
		else if (catalogue_class_from_name(p, n, &cls) == 0)
			m |= CATALOGUE_CLASS_BIT(cls);
		else {
			log_reason(err, errlen, "unknown class \"%.*s\" "
			    "(serverless, edge, static-with-functions, paas, "
			    "shared-script-host, tunnel, cdn, all, default)",
			    n > 64 ? 64 : (int)n, p);
			return -1;
		}
		if (comma == NULL)
			break;
	}
	*mask = m;
	return 0;
}

/* ---- patterns --------------------------------------------------------- */

struct catalogue_shape {
	uint16_t	nlabels;
	uint16_t	lit_labels;
	uint16_t	lit_chars;
	int		multi;
};

/*
 * Validates a pattern already in canonical form (lower case, no trailing
 * dot) and computes its shape.  Returns 0, or -1 with a reason in err.
 */
static int
catalogue_pattern_scan(const char *p, size_t len, struct catalogue_shape *sh,
    char *err, size_t errlen)
{
	size_t i, start = 0, stars = 0;
	int ch;

	memset(sh, 0, sizeof(*sh));
	if (len == 0) {
		log_reason(err, errlen, "empty pattern");
		return -1;
	}
	if (len > CATALOGUE_PATTERN_MAX) {
		log_reason(err, errlen, "pattern longer than %d characters",
		    CATALOGUE_PATTERN_MAX);
		return -1;
	}
	for (i = 0; i <= len; i++) {
		if (i == len || p[i] == '.') {
			if (i == start) {
				log_reason(err, errlen,
				    "empty label in pattern");
				return -1;
			}
			if (i - start > CATALOGUE_LABEL_MAX) {
				log_reason(err, errlen, "pattern label "
				    "longer than %d characters",
				    CATALOGUE_LABEL_MAX);
				return -1;
			}
			if (stars == 0)
				sh->lit_labels++;
			else if (i - start == 1 && sh->nlabels == 0)
				sh->multi = 1;
			if (i == len && stars > 0) {
				log_reason(err, errlen, "the last label of "
				    "a pattern must be literal");
				return -1;
			}
			sh->nlabels++;
			start = i + 1;
			stars = 0;
			continue;
		}
		ch = (unsigned char)p[i];
		if (ch == '*')
			stars++;
		else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_')
			sh->lit_chars++;
		else {
			if (ch > 0x20 && ch < 0x7f)
				log_reason(err, errlen, "character '%c' not "
				    "allowed in a pattern", ch);
			else
				log_reason(err, errlen, "byte 0x%02x not "
				    "allowed in a pattern", (unsigned)ch);
			return -1;
		}
	}
	return 0;
}

/*
 * Canonical form of a pattern: one trailing dot dropped, upper case folded.
 * dst has room for CATALOGUE_PATTERN_MAX + 1 bytes.  Returns the length, or
 * -1 with a reason in err if it cannot be a valid pattern.
 */
static int
catalogue_pattern_canon(const char *p, size_t len, char *dst,
    struct catalogue_shape *sh, char *err, size_t errlen)
{
	size_t i;

	if (len > 0 && p[len - 1] == '.')
		len--;
	if (len > CATALOGUE_PATTERN_MAX) {
		log_reason(err, errlen, "pattern longer than %d characters",
		    CATALOGUE_PATTERN_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		dst[i] = (char)catalogue_lower((unsigned char)p[i]);
	dst[len] = '\0';
	if (catalogue_pattern_scan(dst, len, sh, err, errlen) == -1)
		return -1;
	return (int)len;
}

int
catalogue_pattern_check(const char *pattern, size_t len, char *err,
    size_t errlen)
{
	char buf[CATALOGUE_PATTERN_MAX + 1];
	struct catalogue_shape sh;

	if (pattern == NULL) {
		log_reason(err, errlen, "empty pattern");
		return -1;
	}
	return catalogue_pattern_canon(pattern, len, buf, &sh, err,
	    errlen) == -1 ? -1 : 0;
}

/* ---- matching --------------------------------------------------------- */

/* Splits a name into labels.  Returns 0, or -1 if the name is malformed
 * (see catalogue.h). */
static int
catalogue_name_split(const char *name, size_t len, struct catalogue_labels *nl)
{
	size_t i, start = 0;
	int ch;

	nl->n = 0;
	if (name == NULL)
		return -1;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > CATALOGUE_PATTERN_MAX)
		return -1;
	for (i = 0; i <= len; i++) {
		if (i == len || name[i] == '.') {
			if (i == start)
				return -1;
			/* len <= 255 and labels >= 1 byte: n stays <= 128 */
			nl->off[nl->n] = (uint16_t)start;
			nl->len[nl->n] = (uint8_t)(i - start);
			nl->n++;
			start = i + 1;
			continue;
		}
		ch = (unsigned char)name[i];
		if (ch < 0x21 || ch > 0x7e)
			return -1;
	}
	return 0;
}

/*
 * One pattern label (lower case, '*' = any run of characters) against one
 * name label (any case).  The classic greedy glob with one backtrack point:
 * O(plen x slen) at worst (plen <= 63, slen <= 254).  A label without '*'
 * is a plain case-insensitive comparison; "*" matches any (non-empty)
 * label.
 */
static int
catalogue_label_match(const char *pat, size_t plen, const char *s,
    size_t slen)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < slen) {
		if (pi < plen && pat[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (pi < plen &&
		    pat[pi] == catalogue_lower((unsigned char)s[si])) {
			pi++;
			si++;
		} else if (star_p != SIZE_MAX) {
			pi = star_p + 1;
			si = ++star_s;
		} else
			return 0;
	}
	while (pi < plen && pat[pi] == '*')
		pi++;
	return pi == plen;
}

/* Whether the item's pattern matches the split name: walk both from the
 * right; a leading multi "*" takes whatever labels are left (one or more). */
static int
catalogue_item_match(const struct catalogue_item *it, const char *name,
    const struct catalogue_labels *nl)
{
	const char *p = it->e.pattern;
	size_t fixed, i, j, pstart, pend;

	if (it->multi ? nl->n < it->nlabels : nl->n != it->nlabels)
		return 0;
	fixed = it->multi ? (size_t)it->nlabels - 1 : it->nlabels;
	pend = it->plen;
	for (i = 0; i < fixed; i++) {
		pstart = pend;
		while (pstart > 0 && p[pstart - 1] != '.')
			pstart--;
		j = nl->n - 1 - i;
		if (!catalogue_label_match(p + pstart, pend - pstart,
		    name + nl->off[j], nl->len[j]))
			return 0;
		if (pstart == 0)
			break;
		pend = pstart - 1;
	}
	return 1;
}

static void	catalogue_item_shape(struct catalogue_item *, size_t,
		    const struct catalogue_shape *);

int
catalogue_pattern_match(const char *pattern, const char *name, size_t len)
{
	char buf[CATALOGUE_PATTERN_MAX + 1];
	struct catalogue_shape sh;
	struct catalogue_item it;
	struct catalogue_labels nl;
	int plen;

	if (pattern == NULL || (plen = catalogue_pattern_canon(pattern,
	    strlen(pattern), buf, &sh, NULL, 0)) == -1 ||
	    catalogue_name_split(name, len, &nl) == -1)
		return 0;
	memset(&it, 0, sizeof(it));
	it.e.pattern = buf;
	catalogue_item_shape(&it, (size_t)plen, &sh);
	return catalogue_item_match(&it, name, &nl);
}

/* Whether a is strictly more specific than b. */
static int
catalogue_more_specific(const struct catalogue_item *a,
    const struct catalogue_item *b)
{
	if (a->lit_labels != b->lit_labels)
		return a->lit_labels > b->lit_labels;
	if (a->lit_chars != b->lit_chars)
		return a->lit_chars > b->lit_chars;
	return a->nlabels > b->nlabels;
}

const struct catalogue_entry *
catalogue_match(const struct catalogue *cat, const char *name, size_t len)
{
	struct catalogue_labels nl;
	const struct catalogue_item *best = NULL;
	size_t i;

	if (cat == NULL || catalogue_name_split(name, len, &nl) == -1)
		return NULL;
	for (i = 0; i < cat->n; i++) {
		const struct catalogue_item *it = &cat->items[i];

		if ((best == NULL || catalogue_more_specific(it, best)) &&
		    catalogue_item_match(it, name, &nl))
			best = it;
	}
	return best != NULL ? &best->e : NULL;
}

enum catalogue_verdict
catalogue_classify(const struct catalogue *cat, const char *name, size_t len,
    const struct catalogue_entry **entry)
{
	const struct catalogue_entry *e = catalogue_match(cat, name, len);

	if (entry != NULL)
		*entry = e;
	if (e == NULL)
		return CATALOGUE_NO_MATCH;
	return catalogue_class_counts(cat, e->cls) ? CATALOGUE_COUNTED :
	    CATALOGUE_NOT_COUNTED;
}

/* ---- the catalogue object --------------------------------------------- */

void
catalogue_set_class_mask(struct catalogue *cat, unsigned mask)
{
	if (cat != NULL)
		cat->mask = mask & CATALOGUE_MASK_ALL;
}

unsigned
catalogue_class_mask(const struct catalogue *cat)
{
	return cat != NULL ? cat->mask : 0;
}

int
catalogue_class_counts(const struct catalogue *cat, enum catalogue_class cls)
{
	if (cat == NULL || (unsigned)cls >= CATALOGUE_NCLASSES)
		return 0;
	return (cat->mask & CATALOGUE_CLASS_BIT(cls)) != 0;
}

size_t
catalogue_size(const struct catalogue *cat)
{
	return cat != NULL ? cat->n : 0;
}

const struct catalogue_entry *
catalogue_entry_at(const struct catalogue *cat, size_t i)
{
	if (cat == NULL || i >= cat->n)
		return NULL;
	return &cat->items[i].e;
}

size_t
catalogue_entry_index(const struct catalogue *cat,
    const struct catalogue_entry *e)
{
	uintptr_t base, p, off;

	if (cat == NULL || e == NULL || cat->n == 0)
		return CATALOGUE_NO_INDEX;
	/* the entry is the first member of its item; compare addresses as
	 * integers, since e may point anywhere */
	base = (uintptr_t)cat->items;
	p = (uintptr_t)e;
	if (p < base)
		return CATALOGUE_NO_INDEX;
	off = p - base;
	if (off % sizeof(cat->items[0]) != 0 ||
	    off / sizeof(cat->items[0]) >= cat->n)
		return CATALOGUE_NO_INDEX;
	return off / sizeof(cat->items[0]);
}

void
catalogue_destroy(struct catalogue *cat)
{
	size_t i;

	if (cat == NULL)
		return;
	for (i = 0; i < cat->n; i++)
		free(cat->items[i].text);
	free(cat->items);
	free(cat);
}

static struct catalogue *
catalogue_alloc(size_t cap)
{
	struct catalogue *cat;

	if ((cat = calloc(1, sizeof(*cat))) == NULL)
		return NULL;
	if ((cat->items = calloc(cap, sizeof(*cat->items))) == NULL) {
		free(cat);
		return NULL;
	}
	cat->cap = cap;
	cat->mask = CATALOGUE_MASK_DEFAULT;
	return cat;
}

static void
catalogue_item_shape(struct catalogue_item *it, size_t plen,
    const struct catalogue_shape *sh)
{
	it->plen = (uint16_t)plen;
	it->nlabels = sh->nlabels;
	it->lit_labels = sh->lit_labels;
	it->lit_chars = sh->lit_chars;
	it->multi = sh->multi;
}

struct catalogue *
catalogue_create_builtin(void)
{
	struct catalogue *cat;
	struct catalogue_shape sh;
	size_t i, plen;

	if ((cat = catalogue_alloc(CATALOGUE_BUILTIN_N)) == NULL)
		return NULL;
	for (i = 0; i < CATALOGUE_BUILTIN_N; i++) {
		const struct catalogue_row *r = &catalogue_builtin[i];
		struct catalogue_item *it = &cat->items[i];

		/* The table must be canonical; a bad row is a build bug that
		 * the unit test catches, not something to repair here. */
		plen = strlen(r->pattern);
		if (catalogue_pattern_scan(r->pattern, plen, &sh, NULL, 0) ==
		    -1) {
			catalogue_destroy(cat);
			return NULL;
		}
		it->e.provider = r->provider;
		it->e.platform = r->platform;
		it->e.class_name = catalogue_class_name(r->cls);
		it->e.pattern = r->pattern;
		it->e.source = r->source;
		it->e.cls = r->cls;
		it->e.tenant_unique = r->tenant_unique;
		catalogue_item_shape(it, plen, &sh);
		cat->n++;
	}
	return cat;
}

/* ---- loading files ---------------------------------------------------- */

enum catalogue_format {
	CATALOGUE_FMT_UNKNOWN,
	CATALOGUE_FMT_TSV,
	CATALOGUE_FMT_SIMPLE
};

/* A field of a line: borrowed bytes, not NUL-terminated. */
struct catalogue_field {
	const char	*p;
	size_t		 n;
};

/* One parsed line, fixed bounds: what the line parsers fill. */
struct catalogue_line {
	char			pattern[CATALOGUE_PATTERN_MAX + 1];
	char			provider[CATALOGUE_PROVIDER_MAX + 1];
	char			platform[CATALOGUE_PLATFORM_MAX + 1];
	char			source[CATALOGUE_SOURCE_MAX + 1];
	size_t			plen;
	enum catalogue_class	cls;
	int			tenant_unique;
	struct catalogue_shape	shape;
};

struct catalogue_loader {
	struct catalogue	*cat;
	const char		*name;
	size_t			 lineno;
	enum catalogue_format	 fmt;
	/* TSV column indexes, -1 when absent */
	int			 col_provider, col_platform, col_class;
	int			 col_pattern, col_tenant, col_source;
	size_t			 ncols;
	char			*err;
	size_t			 errlen;
};

static void	catalogue_lerr(struct catalogue_loader *ld, const char *fmt,
		    ...) __attribute__((format(printf, 2, 3)));

/* Reports "name:line: reason". */
static void
catalogue_lerr(struct catalogue_loader *ld, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_reason(ld->err, ld->errlen, "%s:%zu: %s", ld->name, ld->lineno,
	    reason);
}

/*
 * Reads one line (without its LF) into buf, which has room for
 * CATALOGUE_LINE_MAX + 1 bytes.  Returns 1 with *len set, 0 at the end of
 * the file, -1 if the line is too long, -2 on a NUL byte, -3 on a read
 * error.
 */
static int
catalogue_read_line(FILE *fp, char *buf, size_t *len)
{
	size_t n = 0;
	int ch;

	for (;;) {
		ch = getc(fp);
		if (ch == EOF) {
			if (ferror(fp))
				return -3;
			if (n == 0)
				return 0;
			break;
		}
		if (ch == '\n')
			break;
		if (ch == '\0')
			return -2;
		if (n == CATALOGUE_LINE_MAX)
			return -1;
		buf[n++] = (char)ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return 1;
}

static void
catalogue_field_trim(struct catalogue_field *f)
{
	while (f->n > 0 && (f->p[0] == ' ' || f->p[0] == '\t')) {
		f->p++;
		f->n--;
	}
	while (f->n > 0 && (f->p[f->n - 1] == ' ' || f->p[f->n - 1] == '\t'))
		f->n--;
}

/*
 * Copies a field into dst (room for max + 1 bytes), tabs as spaces.
 * Returns 0, or -1 (reported) if it is too long or not printable ASCII.
 */
static int
catalogue_field_copy(struct catalogue_loader *ld, char *dst, size_t max,
    const struct catalogue_field *f, const char *what)
{
	size_t i;
	int ch;

	if (f->n > max) {
		catalogue_lerr(ld, "%s longer than %zu characters", what, max);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		ch = (unsigned char)f->p[i];
		if (ch == '\t')
			ch = ' ';
		if (ch < 0x20 || ch > 0x7e) {
			catalogue_lerr(ld, "%s: byte 0x%02x is not printable "
			    "ASCII", what, (unsigned)ch);
			return -1;
		}
		dst[i] = (char)ch;
	}
	dst[f->n] = '\0';
	return 0;
}

/*
 * Splits a line at tabs through a cursor.  Returns the number of fields, or
 * max + 1 if there are more than max.
 */
static size_t
catalogue_split_tabs(const char *line, size_t len, struct catalogue_field *f,
    size_t max)
{
	struct cur c;
	const uint8_t *b;
	size_t n = 0, start = 0;

	cur_init(&c, (const uint8_t *)line, len);
	for (;;) {
		b = cur_peek(&c);
		if (b == NULL || *b == '\t') {
			if (n == max)
				return max + 1;
			f[n].p = line + start;
			f[n].n = cur_off(&c) - start;
			n++;
			if (b == NULL)
				break;
			cur_skip(&c, 1);
			start = cur_off(&c);
			continue;
		}
		cur_skip(&c, 1);
	}
	return n;
}

/* The next blank-separated word through a cursor (empty at the end). */
static struct catalogue_field
catalogue_next_word(struct cur *c, const char *line)
{
	struct catalogue_field f;
	const uint8_t *b;

	while ((b = cur_peek(c)) != NULL && (*b == ' ' || *b == '\t'))
		cur_skip(c, 1);
	f.p = line + cur_off(c);
	f.n = 0;
	while ((b = cur_peek(c)) != NULL && *b != ' ' && *b != '\t') {
		cur_skip(c, 1);
		f.n++;
	}
	return f;
}

/* Fills the pattern and class of ln from two fields.  Returns 0 or -1
 * (reported). */
static int
catalogue_line_pattern_class(struct catalogue_loader *ld,
    struct catalogue_line *ln, const struct catalogue_field *pat,
    const struct catalogue_field *cls)
{
	char reason[160];
	int plen;

	if (pat->n == 0) {
		catalogue_lerr(ld, "empty pattern");
		return -1;
	}
	plen = catalogue_pattern_canon(pat->p, pat->n, ln->pattern,
	    &ln->shape, reason, sizeof(reason));
	if (plen == -1) {
		catalogue_lerr(ld, "%s", reason);
		return -1;
	}
	ln->plen = (size_t)plen;
	if (cls->n == 0) {
		catalogue_lerr(ld, "missing class");
		return -1;
	}
	if (catalogue_class_from_name(cls->p, cls->n, &ln->cls) == -1) {
		catalogue_lerr(ld, "unknown class \"%.*s\"",
		    cls->n > 64 ? 64 : (int)cls->n, cls->p);
		return -1;
	}
	return 0;
}

/* Parses the TSV header: locates the columns by name.  Returns 0 or -1
 * (reported). */
static int
catalogue_tsv_header(struct catalogue_loader *ld,
    struct catalogue_field *f, size_t n)
{
	const char *missing = NULL;
	int *slot;
	size_t i;

	if (n > CATALOGUE_TSV_MAX_COLUMNS) {
		catalogue_lerr(ld, "more than %d columns in the header",
		    CATALOGUE_TSV_MAX_COLUMNS);
		return -1;
	}
	ld->col_provider = ld->col_platform = ld->col_class = -1;
	ld->col_pattern = ld->col_tenant = ld->col_source = -1;
	for (i = 0; i < n; i++) {
		catalogue_field_trim(&f[i]);
		if (catalogue_word_eq(f[i].p, f[i].n, "provider"))
			slot = &ld->col_provider;
		else if (catalogue_word_eq(f[i].p, f[i].n, "product") ||
		    catalogue_word_eq(f[i].p, f[i].n, "platform"))
			slot = &ld->col_platform;
		else if (catalogue_word_eq(f[i].p, f[i].n, "class"))
			slot = &ld->col_class;
		else if (catalogue_word_eq(f[i].p, f[i].n, "pattern"))
			slot = &ld->col_pattern;
		else if (catalogue_word_eq(f[i].p, f[i].n, "tenant_unique"))
			slot = &ld->col_tenant;
		else if (catalogue_word_eq(f[i].p, f[i].n, "doc_source") ||
		    catalogue_word_eq(f[i].p, f[i].n, "source"))
			slot = &ld->col_source;
		else
			continue;	/* other columns are ignored */
		if (*slot != -1) {
			catalogue_lerr(ld, "duplicate column \"%.*s\"",
			    (int)f[i].n, f[i].p);
			return -1;
		}
		*slot = (int)i;
	}
	if (ld->col_provider == -1)
		missing = "provider";
	else if (ld->col_platform == -1)
		missing = "product";
	else if (ld->col_class == -1)
		missing = "class";
	else if (ld->col_pattern == -1)
		missing = "pattern";
	if (missing != NULL) {
		catalogue_lerr(ld, "TSV header has no \"%s\" column", missing);
		return -1;
	}
	ld->ncols = n;
	ld->fmt = CATALOGUE_FMT_TSV;
	return 0;
}

/* Parses one TSV data row into ln.  Returns 0 or -1 (reported). */
static int
catalogue_tsv_row(struct catalogue_loader *ld, struct catalogue_field *f,
    size_t n, struct catalogue_line *ln)
{
	static const struct catalogue_field none = { "", 0 };
	const struct catalogue_field *t;
	size_t i;

	if (n > ld->ncols) {
		catalogue_lerr(ld, "more fields than the %zu of the header",
		    ld->ncols);
		return -1;
	}
	for (i = 0; i < n; i++)
		catalogue_field_trim(&f[i]);
	if ((size_t)ld->col_pattern >= n || (size_t)ld->col_class >= n) {
		catalogue_lerr(ld, "%zu fields: no pattern or class", n);
		return -1;
	}
	if (catalogue_line_pattern_class(ld, ln, &f[ld->col_pattern],
	    &f[ld->col_class]) == -1)
		return -1;
	if (catalogue_field_copy(ld, ln->provider, CATALOGUE_PROVIDER_MAX,
	    (size_t)ld->col_provider < n ? &f[ld->col_provider] : &none,
	    "provider") == -1 ||
	    catalogue_field_copy(ld, ln->platform, CATALOGUE_PLATFORM_MAX,
	    (size_t)ld->col_platform < n ? &f[ld->col_platform] : &none,
	    "product") == -1)
		return -1;
	if (ld->col_source != -1 && (size_t)ld->col_source < n &&
	    catalogue_field_copy(ld, ln->source, CATALOGUE_SOURCE_MAX,
	    &f[ld->col_source], "doc_source") == -1)
		return -1;
	if (ld->col_tenant != -1 && (size_t)ld->col_tenant < n) {
		t = &f[ld->col_tenant];
		if (catalogue_word_eq(t->p, t->n, "yes"))
			ln->tenant_unique = 1;
		else if (catalogue_word_eq(t->p, t->n, "no"))
			ln->tenant_unique = 0;
		else if (t->n != 0) {
			catalogue_lerr(ld, "tenant_unique must be yes, no or "
			    "empty");
			return -1;
		}
	}
	return 0;
}

/* Parses one "PATTERN CLASS [LABEL...]" line into ln.  Returns 0 or -1
 * (reported). */
static int
catalogue_simple_row(struct catalogue_loader *ld, const char *line,
    size_t len, struct catalogue_line *ln)
{
	struct catalogue_field pat, cls, label;
	struct cur c;

	cur_init(&c, (const uint8_t *)line, len);
	pat = catalogue_next_word(&c, line);
	cls = catalogue_next_word(&c, line);
	if (catalogue_line_pattern_class(ld, ln, &pat, &cls) == -1)
		return -1;
	label.p = line + cur_off(&c);
	label.n = cur_left(&c);
	catalogue_field_trim(&label);
	if (catalogue_field_copy(ld, ln->platform, CATALOGUE_PLATFORM_MAX,
	    &label, "label") == -1)
		return -1;
	memcpy(ln->provider, "custom", sizeof("custom"));
	return 0;
}

/* Appends a parsed line, copying its strings into one owned block.
 * Returns 0 or -1 (reported). */
static int
catalogue_append(struct catalogue_loader *ld, const struct catalogue_line *ln)
{
	struct catalogue *cat = ld->cat;
	struct catalogue_item *it;
	size_t lp, lv, ll, ls, cap;
	char *t;

	if (cat->n == CATALOGUE_MAX_PATTERNS) {
		catalogue_lerr(ld, "more than %d patterns",
		    CATALOGUE_MAX_PATTERNS);
		return -1;
	}
	if (cat->n == cat->cap) {
		cap = cat->cap * 2;
		if (cap > CATALOGUE_MAX_PATTERNS)
			cap = CATALOGUE_MAX_PATTERNS;
		it = realloc(cat->items, cap * sizeof(*it));
		if (it == NULL) {
			catalogue_lerr(ld, "out of memory");
			return -1;
		}
		memset(it + cat->cap, 0, (cap - cat->cap) * sizeof(*it));
		cat->items = it;
		cat->cap = cap;
	}
	lp = ln->plen;
	lv = strlen(ln->provider);
	ll = strlen(ln->platform);
	ls = strlen(ln->source);
	if ((t = malloc(lp + lv + ll + ls + 4)) == NULL) {
		catalogue_lerr(ld, "out of memory");
		return -1;
	}
	it = &cat->items[cat->n];
	it->text = t;
	memcpy(t, ln->pattern, lp + 1);
	it->e.pattern = t;
	t += lp + 1;
	memcpy(t, ln->provider, lv + 1);
	it->e.provider = t;
	t += lv + 1;
	memcpy(t, ln->platform, ll + 1);
	it->e.platform = t;
	t += ll + 1;
	memcpy(t, ln->source, ls + 1);
	it->e.source = t;
	/* an unnamed platform is reported under its pattern */
	if (ll == 0)
		it->e.platform = it->e.pattern;
	it->e.cls = ln->cls;
	it->e.class_name = catalogue_class_name(ln->cls);
	it->e.tenant_unique = ln->tenant_unique;
	catalogue_item_shape(it, lp, &ln->shape);
	cat->n++;
	return 0;
}

/* Whether a tab-split first line is a TSV header: at least two of its
 * fields name required columns (so a header lacking one is reported as
 * such, and a simple-format line never qualifies by accident). */
static int
catalogue_is_tsv_header(const struct catalogue_field *f, size_t n)
{
	struct catalogue_field t;
	size_t i, known = 0;

	for (i = 0; i < n; i++) {
		t = f[i];
		catalogue_field_trim(&t);
		if (catalogue_word_eq(t.p, t.n, "provider") ||
		    catalogue_word_eq(t.p, t.n, "product") ||
		    catalogue_word_eq(t.p, t.n, "platform") ||
		    catalogue_word_eq(t.p, t.n, "class") ||
		    catalogue_word_eq(t.p, t.n, "pattern"))
			known++;
	}
	return known >= 2;
}

/* Handles one line that is neither blank nor a comment.  Returns 0 or -1
 * (reported). */
static int
catalogue_load_line(struct catalogue_loader *ld, const char *line, size_t len)
{
	struct catalogue_field f[CATALOGUE_TSV_MAX_COLUMNS];
	struct catalogue_line ln;
	size_t n = 0;

	if (ld->fmt != CATALOGUE_FMT_SIMPLE) {
		n = catalogue_split_tabs(line, len, f,
		    CATALOGUE_TSV_MAX_COLUMNS);
		if (ld->fmt == CATALOGUE_FMT_UNKNOWN) {
			/* the first line decides the format */
			if (catalogue_is_tsv_header(f,
			    n > CATALOGUE_TSV_MAX_COLUMNS ?
			    CATALOGUE_TSV_MAX_COLUMNS : n))
				return catalogue_tsv_header(ld, f, n);
			ld->fmt = CATALOGUE_FMT_SIMPLE;
		}
	}
	memset(&ln, 0, sizeof(ln));
	ln.tenant_unique = -1;
	if (ld->fmt == CATALOGUE_FMT_TSV) {
		/* n may be max + 1: more fields than any header */
		if (catalogue_tsv_row(ld, f, n, &ln) == -1)
			return -1;
	} else if (catalogue_simple_row(ld, line, len, &ln) == -1)
		return -1;
	return catalogue_append(ld, &ln);
}

struct catalogue *
catalogue_load_stream(FILE *fp, const char *name, char *err, size_t errlen)
{
	struct catalogue_loader ld;
	char line[CATALOGUE_LINE_MAX + 1];
	size_t len, i;
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.name = name != NULL ? name : "catalogue";
	ld.err = err;
	ld.errlen = errlen;
	ld.fmt = CATALOGUE_FMT_UNKNOWN;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (fp == NULL) {
		log_reason(err, errlen, "%s: no stream", ld.name);
		return NULL;
	}
	if ((ld.cat = catalogue_alloc(64)) == NULL) {
		log_reason(err, errlen, "%s: out of memory", ld.name);
		return NULL;
	}
	for (;;) {
		ld.lineno++;
		rc = catalogue_read_line(fp, line, &len);
		if (rc == 0)
			break;
		if (rc == -1) {
			catalogue_lerr(&ld, "line longer than %d bytes",
			    CATALOGUE_LINE_MAX);
			goto fail;
		}
		if (rc == -2) {
			catalogue_lerr(&ld, "NUL byte");
			goto fail;
		}
		if (rc == -3) {
			log_reason(err, errlen, "%s: read error: %s",
			    ld.name, strerror(errno));
			goto fail;
		}
		for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t');
		    i++)
			;
		if (i == len || line[i] == '#')
			continue;
		if (catalogue_load_line(&ld, line, len) == -1)
			goto fail;
	}
	if (ld.cat->n == 0) {
		log_reason(err, errlen, "%s: no patterns", ld.name);
		goto fail;
	}
	return ld.cat;
fail:
	catalogue_destroy(ld.cat);
	return NULL;
}

struct catalogue *
catalogue_load(const char *path, char *err, size_t errlen)
{
	struct catalogue *cat;
	FILE *fp;

	if (path == NULL) {
		log_reason(err, errlen, "no catalogue file named");
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		log_reason(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	cat = catalogue_load_stream(fp, path, err, errlen);
	fclose(fp);
	return cat;
}
