#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/cache/lru_cache.h"

namespace lbsim::models::cache {

enum class HttpMethod : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

constexpr std::uint8_t methodBit(HttpMethod m) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(m));
}
std::string_view methodName(HttpMethod m);
std::optional<HttpMethod> parseHttpMethod(std::string_view name);  // upper case, as on the wire

// What a request of one class looks like to a cache: the scenario's per-class flags.
struct RequestTraits {
  HttpMethod method = HttpMethod::kGet;
  // The request satisfies the location's proxy_cache_bypass predicate (one of its variables is
  // non-empty and not "0": the seed's `proxy_cache_bypass $http_upgrade` holds for WebSocket
  // upgrades, `$http_cache_control` for requests sending Cache-Control).
  bool bypass = false;
  // The request satisfies proxy_no_cache: its response is not stored.
  bool noCache = false;
  // Cloudflare: the URL ends in one of the extensions Cloudflare caches by default (css, js,
  // jpg, png, pdf, woff2, ...); HTML and API responses (JSON) do not.
  bool staticExtension = false;
  bool hasQueryString = false;  // Cloudflare: the URL has a query string
};

// What a cache may do with one request.
struct CacheDecision {
  bool lookup = false;     // look the key up and serve a fresh entry
  bool store = false;      // store the response (if its status has a validity)
  bool queryInKey = true;  // the query string is part of the cache key
};

// nginx time syntax (nginx.org/en/docs/syntax.html): a number with a unit among ms, s, m, h,
// d, w, M (30 days), y (365 days); several may follow each other from the most to the least
// significant ("1h 30m", "1d12h"); a bare number is seconds. `allowMilliseconds` is false for
// the directives nginx reads in whole seconds (proxy_cache_valid, inactive), which refuse
// "ms". Throws std::invalid_argument naming `what` and the allowed forms.
double parseNginxTime(std::string_view text, std::string_view what, bool allowMilliseconds = false);

// nginx offset syntax (ngx_parse_offset): bytes, or a number with k/K, m/M, g/G (powers of
// 1024). Throws std::invalid_argument naming `what`.
std::uint64_t parseNginxSize(std::string_view text, std::string_view what);

// Why the upstream did not give a usable answer, in proxy_cache_use_stale's words.
enum class StaleCondition : std::uint8_t {
  kError,          // no connection, or an error passing the request or reading the header
  kTimeout,        // proxy_connect/send/read_timeout
  kInvalidHeader,  // an empty or invalid response header
  kUpdating,       // another request is refreshing this entry
  kHttp500,
  kHttp502,
  kHttp503,
  kHttp504,
  kHttp403,
  kHttp404,
  kHttp429,
};
constexpr std::uint16_t staleBit(StaleCondition c) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(c));
}
// The condition an upstream answer with `status` raises (http_500 for 500, ...), if any.
std::optional<StaleCondition> staleConditionOfStatus(int status);

// One proxy_cache_valid pair: responses with `status` (0: any) are valid for `seconds`.
struct CacheValidity {
  std::uint16_t status = 0;
  double seconds = 0.0;
};

// The validity `lines` give a response with `status`: the first line whose status is the
// response's or `any` (ngx_http_file_cache_valid); nullopt when none matches or its time is 0
// (nginx does not cache then).
std::optional<double> validityOf(const std::vector<CacheValidity>& lines, int status);

// nginx proxy caching in one location (ngx_http_proxy_module), as plain values.
struct NginxCacheRules {
  std::string zone;  // proxy_cache <zone>; empty is `proxy_cache off` (the default)
  // proxy_cache_methods: GET and HEAD are always added (ngx_http_proxy_merge_loc_conf ORs them
  // in); the directive can add POST.
  std::uint8_t methods = methodBit(HttpMethod::kGet) | methodBit(HttpMethod::kHead);
  // proxy_cache_valid lines in order; the first whose status is the response's or `any`
  // gives the validity (ngx_http_file_cache_valid). Empty: nothing is cached (without
  // upstream Cache-Control/Expires headers, which lbsim does not model).
  std::vector<CacheValidity> valid;
  std::string key;                       // proxy_cache_key, for the record
  bool keyIncludesUser = false;          // the key has $http_authorization, $cookie_... etc.
  std::vector<std::string> bypassWhen;   // proxy_cache_bypass variables, for the record
  std::vector<std::string> noCacheWhen;  // proxy_no_cache variables, for the record
  std::uint16_t useStale = 0;            // proxy_cache_use_stale conditions (default off)

  bool enabled() const { return !zone.empty(); }

  // A request whose method proxy_cache_methods does not list bypasses the cache entirely;
  // proxy_cache_bypass skips the lookup but still stores the response; proxy_no_cache
  // stores nothing but still looks up.
  CacheDecision decide(const RequestTraits& request) const;

  // proxy_cache_valid for a response status: nullopt when no line matches or the time is 0
  // (nginx does not cache then).
  std::optional<double> validity(int status) const;

  // Whether a stale entry is served when the upstream fails with `condition`.
  bool servesStaleOn(StaleCondition condition) const {
    return (useStale & staleBit(condition)) != 0;
  }
};

// Parses one or more location-level cache directives, each ended by ';', as they are written
// in nginx.conf (comments after '#', quotes around arguments): proxy_cache, proxy_cache_methods,
// proxy_cache_valid, proxy_cache_key, proxy_cache_bypass, proxy_no_cache,
// proxy_cache_use_stale. Later directives add to earlier ones as nginx does within one level
// (proxy_cache_valid lines accumulate). Throws std::invalid_argument saying what is wrong and
// what is allowed.
NginxCacheRules parseNginxCacheDirectives(std::string_view text);
// Adds directives to existing rules.
void applyNginxCacheDirectives(NginxCacheRules& rules, std::string_view text);

// proxy_cache_path (http level): where and how big a cache is.
struct ProxyCachePath {
  std::string path;
  std::string levels;           // "1:2"; only the on-disk layout
  std::string zone;             // keys_zone name
  std::uint64_t zoneBytes = 0;  // keys_zone size; 0 if not given
  std::uint64_t maxBytes = 0;   // max_size; 0 is unbounded (nginx: NGX_MAX_OFF_T_VALUE)
  std::uint64_t minFree = 0;    // min_free (free disk space kept); not modelled
  double inactive = 600.0;      // inactive, default 10 minutes
  bool useTempPath = true;      // use_temp_path; only where files are written

  // LRU settings: maxEntries from the zone size at `keysPerMegabyte` (nginx documents "one
  // megabyte zone can store about 8 thousand keys"), maxBytes and inactive as given.
  LruSettings lruSettings(double keysPerMegabyte = 8000.0) const;
};

// Parses "proxy_cache_path /var/cache/nginx levels=1:2 keys_zone=api:100m max_size=1g
// inactive=60m use_temp_path=off;" - the leading directive name, the path and the trailing ';'
// are optional ("max_size=10g inactive=60m" parses). nginx's other parameters (loader_*,
// manager_*, purger*) are accepted and ignored.
ProxyCachePath parseProxyCachePath(std::string_view text);

// Cloudflare's cache level, with the API values (dashboard names in comments), from
// developers.cloudflare.com/cache/how-to/set-caching-levels/ and the Page Rules settings:
enum class CloudflareCacheLevel : std::uint8_t {
  kBypass,           // "Bypass": Cloudflare does not cache
  kBasic,            // "No Query String": static content served from cache only without a
                     // query string
  kSimplified,       // "Ignore Query String": static content, one copy whatever the query
  kAggressive,       // "Standard" (the zone default): static content, a copy per query string
  kCacheEverything,  // "Cache Everything": every content type, not only the default static
                     // extensions (HTML, JSON too), a copy per query string
};
std::string_view cloudflareCacheLevelName(CloudflareCacheLevel level);
std::optional<CloudflareCacheLevel> parseCloudflareCacheLevel(std::string_view name);

// A Cloudflare page rule's cache actions.
struct CloudflareCacheRule {
  CloudflareCacheLevel cacheLevel = CloudflareCacheLevel::kAggressive;
  // edge_cache_ttl, seconds: how long the edge keeps a cacheable response, in place of the
  // origin's headers and Cloudflare's defaults. nullopt: the defaults.
  std::optional<double> edgeCacheTtl;
  std::optional<double> browserCacheTtl;  // browser_cache_ttl: the browser's copy, not the edge

  // Only GET and HEAD are cached (an assumption: Cloudflare's cache documentation describes
  // caching of GET responses). Then by level: bypass nothing; basic static without query
  // string; simplified static, query ignored in the key; aggressive static, query in the key;
  // cache_everything everything, query in the key. proxy_cache_bypass-style flags do not
  // apply.
  CacheDecision decide(const RequestTraits& request) const;

  // The edge TTL of a response: Cloudflare caches 200, 206, 301 (default 120m), 302, 303
  // (20m), 404, 410 (3m) and nothing else when the origin sends no Cache-Control or Expires
  // (developers.cloudflare.com/cache/how-to/configure-cache-status-code/); edge_cache_ttl,
  // when set, replaces the default for those statuses (an assumption: the docs do not list
  // the statuses it covers).
  std::optional<double> edgeTtl(int status) const;
};

// Whether Cloudflare caches a URL path by its extension without a Cache Everything rule: the
// default cached extensions of developers.cloudflare.com/cache/concepts/default-cache-behavior/
// (7z, avi, avif, apk, bin, bmp, bz2, class, css, csv, doc, docx, dmg, ejs, eot, eps, exe,
// flac, gif, gz, ico, iso, jar, jpg, jpeg, js, mid, midi, mkv, mp3, mp4, ogg, otf, pdf, pict,
// pls, png, ppt, pptx, ps, rar, svg, svgz, swf, tar, tif, tiff, ttf, webm, webp, woff, woff2,
// xls, xlsx, zip, zst), in any case; the query string is not part of the path.
bool cloudflareCachesExtension(std::string_view path);

// Parses a page rule's `actions` block as Terraform writes it ("cache_level =
// \"cache_everything\"", "edge_cache_ttl = 7200  # 2 hours", "browser_cache_ttl = 3600"),
// one setting a line or separated by ';' or ','. TTLs are whole seconds; cache_level takes
// the API values or the dashboard names. Other page-rule actions are an error that lists the
// cache ones.
CloudflareCacheRule parseCloudflarePageRule(std::string_view text);

}  // namespace lbsim::models::cache
