package dev.pullpolicy.systemtest.kubelet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The cases on which our reading of pull Secrets and images must give the kubelet's answer:
 * hand-written ones for every class of input where the two used to differ, the classic matching
 * rules, and seeded random and fuzzed ones (the same on every run, so CI is repeatable).
 */
final class KubeletCorpus {

  static final String DCJ = "kubernetes.io/dockerconfigjson";
  static final String CFG = "kubernetes.io/dockercfg";

  /** A Secret as the kubelet receives it: type and decoded data. */
  record Secret(String name, String type, Map<String, byte[]> data) {}

  /**
   * One case.
   *
   * @param id unique, stable
   * @param kind the class it belongs to (for per-class figures)
   */
  record Case(String id, String kind, String image, List<Secret> secrets) {}

  private final List<Case> cases = new ArrayList<>();
  private final Map<String, Integer> counters = new LinkedHashMap<>();

  static List<Case> all() {
    KubeletCorpus c = new KubeletCorpus();
    c.handWritten();
    c.generated(20260729L);
    return List.copyOf(c.cases);
  }

  // ---------------------------------------------------------------- helpers

  private void add(String kind, String image, Secret... secrets) {
    int n = counters.merge(kind, 1, Integer::sum);
    cases.add(new Case(kind + "-" + n, kind, image, List.of(secrets)));
  }

  /** JSON written with ' for " (readability); use raw() where a ' must stay. */
  static String j(String json) {
    return json.replace('\'', '"');
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(utf8(s));
  }

  static Secret dcj(String name, String json) {
    return new Secret(name, DCJ, Map.of(".dockerconfigjson", utf8(json)));
  }

  static Secret cfg(String name, String json) {
    return new Secret(name, CFG, Map.of(".dockercfg", utf8(json)));
  }

  static Secret raw(String name, String type, String key, byte[] value) {
    return new Secret(name, type, Map.of(key, value));
  }

  /** {"auths":{key:{"username":user,"password":"p-"+user}}} for pairs key, user. */
  static String auths(String... keyUser) {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    for (int i = 0; i < keyUser.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(quote(keyUser[i]))
          .append(":{\"username\":")
          .append(quote(keyUser[i + 1]))
          .append(",\"password\":")
          .append(quote("p-" + keyUser[i + 1]))
          .append('}');
    }
    return b.append("}}").toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static final String HEX64 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  // ---------------------------------------------------------------- hand-written

  private void handWritten() {
    emptyOrNullAuths();
    legacyLayout();
    caseInsensitiveFields();
    nullEntries();
    base64LineBreaks();
    nonStringFields();
    badBase64InFieldsNotLookedAt();
    digests();
    longNamesAndUnderscoreHosts();
    keysThatAreNotUrls();
    globCharacters();
    escapesQueryFragment();
    ipv6();
    secretWithoutItsDataKey();
    severalSpellingsOfOneKey();
    userInfo();
    dockerHubFallback();
    jsonSyntax();
    matchingRules();
    severalSecrets();
  }

  private void emptyOrNullAuths() {
    String k = "empty-null-auths";
    add(k, "r.io/app", dcj("a", j("{'auths':{}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':null}")));
    add(k, "r.io/app", dcj("a", j("{}")));
    add(k, "r.io/app", dcj("a", "null"));
    add(k, "r.io/app", dcj("a", j("{'auths':{}}")), dcj("b", auths("r.io", "b1")));
    add(k, "r.io/app", dcj("a", j("{'auths':null}")), dcj("b", auths("r.io", "b1")));
    add(k, "r.io/app", dcj("a", j("{'auths':null,'Auths':{'r.io':{'username':'a1'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'auths':null}")));
    add(k, "r.io/app", cfg("a", "{}"), dcj("b", auths("r.io", "b1")));
    add(k, "r.io/app", cfg("a", "null"), dcj("b", auths("r.io", "b1")));
    add(k, "nginx", dcj("a", j("{'auths':{},'HttpHeaders':{'User-Agent':'x'}}")));
  }

  private void legacyLayout() {
    String k = "legacy-layout";
    String legacy = j("{'r.io':{'auth':'" + b64("a1:pw") + "'}}");
    add(k, "r.io/app", dcj("a", legacy));
    add(k, "r.io/app", dcj("a", legacy), dcj("b", auths("r.io", "b1")));
    add(k, "r.io/app", cfg("a", legacy));
    add(k, "r.io/app", cfg("a", auths("r.io", "a1")));
    add(k, "auths/app", cfg("a", auths("r.io", "a1")));
    add(
        k,
        "r.io/app",
        cfg("a", j("{'auths':{'r.io':{'username':'a1'}},'r.io':{'username':'a2'}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'q.io':{'username':'a2'}}")));
    add(
        k,
        "q.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'q.io':{'username':'a2'}}")));
    add(k, "r.io/app", cfg("a", j("{'Auths':{'r.io':{'username':'a1'}}}")));
  }

  private void caseInsensitiveFields() {
    String k = "case-insensitive-fields";
    for (String auths : List.of("Auths", "AUTHS", "aUtHs", "auth\u017f", "AUTH\u017f")) {
      add(k, "r.io/app", dcj("a", j("{'" + auths + "':{'r.io':{'username':'a1'}}}")));
    }
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'Username':'a1','PASSWORD':'p1'}}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'u\u017fername':'a1','pa\u017f\u017fword':'p'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'AUTH':'" + b64("a1:p") + "'}}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'Auth':'" + b64("a1:p") + "','EMAIL':'e'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1','Username':'a2'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'Username':'a2','username':'a1'}}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'Auths':{'q.io':{'username':'a2'}}}")));
    add(
        k,
        "q.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'Auths':{'r.io':{'username':'a2'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'HTTPHEADERS':{'x':'y'}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'httpheaders':5}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'http_headers':5}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'USERNAME':'a1','user':'x','name':'y'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1','\u212auth':'x'}}}")));
  }

  private void nullEntries() {
    String k = "null-entries";
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':null}}")));
    add(
        k,
        "r.io/app",
        dcj(
            "a",
            j("{'auths':{'r.io':{'username':null,'password':null,'auth':null,'email':null}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'auth':'','username':'a1'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1','username':null}}}")));
    add(k, "r.io/app", cfg("a", j("{'r.io':null}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':null,'q.io':{'username':'a2'}}}")),
        dcj("b", auths("r.io", "b1")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'HttpHeaders':null}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'HttpHeaders':{'x':null}}")));
  }

  private void base64LineBreaks() {
    String k = "base64-line-breaks";
    String userPass = b64("a1:secret"); // YTE6c2VjcmV0
    String[] variants = {
      userPass.substring(0, 4) + "\n" + userPass.substring(4),
      userPass.substring(0, 4) + "\r\n" + userPass.substring(4),
      userPass + "\n",
      "\n" + userPass,
      userPass.substring(0, 2) + "\r" + userPass.substring(2, 7) + "\n\n" + userPass.substring(7),
      b64("a1:pw"), // padded: YTE6cHc=
      b64("a1:pw").replace("=", ""), // unpadded
      b64("a1:pw").replace("=", "\n="),
      b64("a1:p"), // YTE6cA== two pad
      b64("a1:p").replace("==", "=\n="),
      b64("a1:p").replace("==", "="), // one pad where two are needed
      b64("a1:p").replace("==", ""),
      b64("a1:pw") + "=",
      b64("a1:pw") + " ",
      b64("a1:pw") + "\t",
      " " + b64("a1:pw"),
      userPass.substring(0, 4) + " " + userPass.substring(4),
      b64("a1:"),
      b64(":pw"),
      b64("a1:pw:x"),
      b64("a1pw"),
      "YTE6cHc",
      "YTE6cH",
      "YTE6c",
      "Y",
      "====",
      "YTE6cHc=\n\n",
      "YTE6cHc=x",
      "YTE6cHc\u00a0",
      "YT\u00e96cHc=",
      "YTE6cH-_",
    };
    for (String auth : variants) {
      add(k, "r.io/app", dcj("a", "{\"auths\":{\"r.io\":{\"auth\":" + quote(auth) + "}}}"));
    }
    add(k, "r.io/app", cfg("a", "{\"r.io\":{\"auth\":" + quote(variants[0]) + "}}"));
  }

  private void nonStringFields() {
    String k = "non-string-fields";
    for (String v : List.of("5", "true", "{}", "[]", "1.5e3", "-0", "{'a':'b'}")) {
      add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':" + v + "}}}")));
      add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'auth':" + v + "}}}")));
    }
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'password':true}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'email':{}}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'identitytoken':5,'username':'a1'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'registrytoken':[1],'serveraddress':{}}}}")));
    for (String v : List.of("[]", "'x'", "5", "true", "[{'r.io':{}}]")) {
      add(k, "r.io/app", dcj("a", j("{'auths':" + v + "}")));
      add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':" + v + "}}")));
      add(
          k,
          "r.io/app",
          dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'HttpHeaders':" + v + "}")));
      add(k, "r.io/app", dcj("a", v.equals("[]") ? "[]" : j(v)));
      add(k, "r.io/app", cfg("a", v.equals("[]") ? "[]" : j(v)));
      add(k, "r.io/app", cfg("a", j("{'r.io':" + v + "}")));
    }
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'HttpHeaders':{'x':1}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1'}},'credsStore':5,'credHelpers':[1]}")));
    add(
        k,
        "r.io/app",
        dcj("a", auths("r.io", "a1")),
        dcj("b", j("{'auths':{'q.io':{'username':5}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':5}},'auths':null}")));
  }

  private void badBase64InFieldsNotLookedAt() {
    String k = "bad-base64-elsewhere";
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'Auth':'!!!!','username':'a1'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'AUTH':'" + b64("nocolon") + "'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'auth\u017f':'!!!!','username':'a1'}}}")));
    add(k, "r.io/app", cfg("a", j("{'r.io':{'Auth':'%%%%'}}")));
    add(
        k,
        "r.io/app",
        dcj("a", auths("r.io", "a1")),
        dcj("b", j("{'auths':{'q.io':{'auth':'@@@@'}}}")));
    add(k, "r.io/app", dcj("a", auths("r.io", "a1")), cfg("b", j("{'q.io':{'AUTH':'YWJj'}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'a1','email':'!!!!','identitytoken':'!!!!'}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'r.io':{'username':'a1','Auth':''}}}")));
    add(k, "r.io/app", dcj("a", j("{'auths':{'bad host':{'auth':'!!!!'}}}")));
  }

  private void digests() {
    String k = "image-digests";
    String hex32 = HEX64.substring(0, 32);
    String hex96 = HEX64 + HEX64.substring(0, 32);
    String hex128 = HEX64 + HEX64;
    for (String d :
        List.of(
            "sha256:" + HEX64,
            "sha256:" + hex32,
            "sha256:" + HEX64.toUpperCase(),
            "sha256:" + HEX64 + "0",
            "sha384:" + hex96,
            "sha384:" + HEX64,
            "sha512:" + hex128,
            "sha512:" + HEX64,
            "md5:" + hex32,
            "SHA256:" + HEX64,
            "sha256+b64u:" + HEX64,
            "blake3:" + HEX64,
            "sha256:" + HEX64.substring(0, 63) + "g")) {
      add(k, "r.io/app@" + d, dcj("a", auths("r.io", "a1")));
      add(k, "nginx:1.25@" + d, dcj("a", auths("docker.io", "a1")));
    }
    add(k, "nginx:latest@sha256:" + HEX64, dcj("a", auths("docker.io", "a1")));
    add(k, "r.io/app@sha256:" + HEX64 + "@sha256:" + HEX64, dcj("a", auths("r.io", "a1")));
  }

  private void longNamesAndUnderscoreHosts() {
    String k = "image-names";
    String longDomain = "registry-" + "x".repeat(50) + ".example.com";
    String path255 = "a".repeat(255);
    String path256 = "a".repeat(256);
    String keys =
        auths(longDomain, "a1", "registry_1.example.com", "a2", "my_host", "a3", "r.io", "a4");
    for (String image :
        List.of(
            longDomain + "/" + path255,
            longDomain + "/" + path256,
            "r.io/" + "b".repeat(120) + "/" + "c".repeat(134),
            "r.io/" + "b".repeat(120) + "/" + "c".repeat(135),
            path255,
            "library/" + "d".repeat(247),
            "library/" + "d".repeat(248),
            "registry_1.example.com/app",
            "registry_1.example.com:5000/app",
            "my_host/app",
            "my_host:5000/app",
            "a_b/c_d/e",
            "Registry.Example.com/app",
            "UPPER/app",
            "r.io/App",
            "localhost/app",
            "localhost:5000/app",
            "localhost",
            "index.docker.io/nginx",
            "index.docker.io/library/nginx",
            "docker.io/nginx",
            "docker.io/library/nginx:1",
            "nginx:",
            ":tag",
            "",
            " nginx",
            "nginx ",
            "nginx\n",
            "a/b/c/d/e",
            "r.io//app",
            "r.io/-app",
            "r.io/app.",
            "r.io/a__b",
            "r.io/a___b",
            "r.io/a--b",
            "r.io/a-.b",
            "r.io/app:" + "t".repeat(128),
            "r.io/app:" + "t".repeat(129),
            "r.io/app:-tag",
            "r.io/app:.tag",
            "r.io/app:_tag",
            "r.io:5000",
            "r.io:5000/app:1",
            "r.io:/app",
            "r-.io/app",
            "-r.io/app",
            "r.io./app",
            HEX64,
            HEX64 + ":1",
            "r.io/" + HEX64,
            "nginx@",
            "nginx:1@",
            "NGINX",
            "ngin\u00e9x",
            "r.io/app:latest",
            "r.io/app:Latest")) {
      add(k, image, dcj("a", keys));
    }
  }

  private void keysThatAreNotUrls() {
    String k = "keys-not-urls";
    for (String key :
        List.of(
            "bad host",
            "r.io:port",
            "r.io:80:90",
            "a:b:c",
            "r.io\t",
            "r.io\u0000x",
            "r.io\u007f",
            "%zz.io",
            "r%2e.io",
            "r.io/%zz",
            "r.io/a%",
            "http://r.io:80x",
            "user name@r.io",
            "u%zz@r.io",
            "\u00fc@r.io",
            "[::1",
            "a[b].io",
            "r.io]",
            "<r>.io",
            "r{}.io",
            "r|.io",
            "r^.io",
            "r`.io",
            "\"r\".io",
            "",
            "https://",
            "http://",
            "http:///x",
            "HTTPS://r.io",
            "https:r.io",
            "ftp://r.io",
            "//r.io",
            "r.io:",
            "r.io:00005000",
            ":5000",
            "\u00e9.io")) {
      String image = "r.io/app";
      add(k, image, dcj("a", auths(key, "a1", "r.io", "a2")));
    }
    add(k, "r.io:5000/app", dcj("a", auths("r.io:00005000", "a1")));
    add(k, "r.io/app", dcj("a", auths("r.io:", "a1")));
    add(k, "r.io/x/app", dcj("a", auths("https:r.io", "a1", "https://https:r.io/x", "a2")));
  }

  private void globCharacters() {
    String k = "glob-characters";
    String[][] pairs = {
      {"[a-c]b.example.com", "bb.example.com/app"},
      {"[a-c]b.example.com", "[a-c]b.example.com/app"},
      {"a\\b.example.com", "ab.example.com/app"},
      {"r?.io", "rx.io/app"},
      {"r?.io", "r/app"},
      {"*.example.com", "a.example.com/app"},
      {"*.example.com", "example.com/app"},
      {"*", "localhost/app"},
      {"*", "r.io/app"},
      {"*.*", "r.io/app"},
      {"*.io:5000", "r.io:5000/app"},
      {"*.io:5000", "r.io/app"},
      {"r.*", "r.io/app"},
      {"a*c.io", "abbbc.io/app"},
      {"**.io", "r.io/app"},
      {"*-x.io", "a-x.io/app"},
      {"x*", "xy/app"},
      {"*.r.io/team", "a.r.io/team/app"},
      {"*.r.io/team", "a.r.io/other/app"},
      {"[!a].io", "b.io/app"},
      {"]r.io", "]r.io/app"},
      {"r].io", "r.io/app"},
      {"*:5000", "localhost:5000/app"},
      {"*:*", "r.io:5000/app"},
    };
    for (String[] p : pairs) {
      add(k, p[1], dcj("a", auths(p[0], "a1")));
    }
  }

  private void escapesQueryFragment() {
    String k = "escapes-query-fragment";
    String[][] pairs = {
      {"r.io/team%2Fx", "r.io/team/x/app"},
      {"r.io/a%3Fb", "r.io/a/app"},
      {"r.io/a%3Fb", "r.io/a?b/app"},
      {"r.io/a%23b", "r.io/a/app"},
      {"r.io/%25zz", "r.io/app"},
      {"r.io?x=1", "r.io/app"},
      {"r.io/?x", "r.io/app"},
      {"r.io#frag", "r.io/app"},
      {"r.io/team#frag", "r.io/team/app"},
      {"r.io/team?q", "r.io/team/app"},
      {"r.io/team?", "r.io/team/app"},
      {"r.io/team??", "r.io/team/app"},
      {"r.io#%zz", "r.io/app"},
      {"r.io#a#b", "r.io/app"},
      {"r.io#\u0001", "r.io/app"},
      {"r%C3%A9.io", "r.io/app"},
      {"r%c3%a9.io", "r.io/app"},
      {"r%FF.io", "r.io/app"},
      {"*%C3%A9.io", "x.io/app"},
      {"r.io/p%20q", "r.io/p/app"},
      {"r.io/pa?th/app", "r.io/pa/app"},
      {"r.io:5000?x", "r.io:5000/app"},
      {"r.io/v2/?x", "r.io/app"},
      {"r.io/%76%32/team", "r.io/team/app"},
      {"r.io/%2Fv2/team", "r.io/team/app"},
      {"r.io/v2", "r.io/v2/app"},
      {"r.io/v2/", "r.io/app"},
      {"r.io/v1/team", "r.io/team/app"},
      {"r.io/v3/team", "r.io/v3/team/app"},
      {"r.io//team", "r.io/team/app"},
      {"r.io/team/", "r.io/team/app"},
      {"r.io/team/", "r.io/teamx/app"},
      {"r.io/team", "r.io/teamx/app"},
      {"r.io/%7e", "r.io/~/app"},
      {"u:p%40@r.io", "r.io/app"},
    };
    for (String[] p : pairs) {
      add(k, p[1], dcj("a", auths(p[0], "a1")));
    }
  }

  private void ipv6() {
    String k = "ipv6";
    String[] keys = {
      "[::1]",
      "[::1]:5000",
      "http://[::1]:5000/",
      "[::1]:5000/team",
      "[fe80::1%25eth0]:5000",
      "[fe80::1%eth0]:5000",
      "[::ffff:1.2.3.4]:5000",
      "[::ffff:1.2.3.4]",
      "[1.2.3.4]:5000",
      "[::1]x",
      "[g::1]",
      "[::1]:",
      "[2001:db8::1]:443",
      "[2001:db8:0:0:0:0:0:1]:443",
      "[::]:5000",
      "[:::]:5000",
      "[1:2:3:4:5:6:7:8:9]:5000",
      "[12345::]:5000",
      "[::1.2.3.4]:5000",
      "[::1.2.3.04]:5000",
      "[%25x]:5000",
    };
    String[] images = {
      "[::1]:5000/app",
      "[::1]/app",
      "[::1]:5000/team/app",
      "[2001:db8::1]:443/app",
      "[fe80::1%eth0]:5000/app",
      "[::ffff:1.2.3.4]:5000/app",
      "[:::]:5000/app",
      "[::]:5000/app",
    };
    for (int i = 0; i < keys.length; i++) {
      add(k, images[i % images.length], dcj("a", auths(keys[i], "a1")));
    }
    for (String image : images) {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < keys.length; i++) {
        all.add(keys[i]);
        all.add("u" + i);
      }
      add(k, image, dcj("a", auths(all.toArray(String[]::new))));
    }
  }

  private void secretWithoutItsDataKey() {
    String k = "missing-data-key";
    byte[] good = utf8(auths("r.io", "a1"));
    Secret after = dcj("z", auths("r.io", "z1"));
    add(k, "r.io/app", raw("a", DCJ, ".dockercfg", good), after);
    add(k, "r.io/app", raw("a", DCJ, ".dockerconfigjson", new byte[0]), after);
    add(k, "r.io/app", raw("a", CFG, ".dockerconfigjson", good), after);
    add(k, "r.io/app", raw("a", CFG, ".dockercfg", new byte[0]), after);
    add(k, "r.io/app", raw("a", "Opaque", ".dockerconfigjson", good), after);
    add(k, "r.io/app", raw("a", "", ".dockerconfigjson", good), after);
    add(
        k,
        "r.io/app",
        raw("a", "kubernetes.io/DockerConfigJson", ".dockerconfigjson", good),
        after);
    add(k, "r.io/app", raw("a", DCJ, ".DockerConfigJson", good), after);
    add(k, "r.io/app", new Secret("a", DCJ, Map.of()), after);
    add(k, "r.io/app", raw("a", "Opaque", ".dockerconfigjson", utf8("{not json")), after);
    add(
        k,
        "r.io/app",
        new Secret("a", DCJ, Map.of(".dockerconfigjson", good, ".dockercfg", utf8("{bad"))),
        after);
    add(
        k,
        "r.io/app",
        new Secret(
            "a",
            CFG,
            Map.of(".dockercfg", utf8(j("{'q.io':{}}")), ".dockerconfigjson", utf8("{bad"))),
        after);
  }

  private void severalSpellingsOfOneKey() {
    String k = "several-spellings";
    add(k, "r.io/app", dcj("a", auths("r.io", "a1", "https://r.io", "a2", "http://r.io/", "a3")));
    add(
        k,
        "r.io/app",
        dcj(
            "a",
            auths("r.io", "a1", "r.io/v2/", "a2", "r.io/v1/", "a3", "https://r.io/v2/", "a4")));
    add(
        k,
        "r.io/app",
        dcj("a", auths("r.io", "a1", "https://r.io", "a2")),
        dcj("b", auths("http://r.io", "b1", "r.io/", "b2")));
    add(k, "r.io/app", dcj("a", auths("r.io", "a1")), dcj("b", auths("https://r.io", "b1")));
    add(
        k,
        "r.io/team/app",
        dcj(
            "a",
            auths(
                "r.io",
                "a1",
                "r.io/team",
                "a2",
                "https://r.io/team",
                "a3",
                "r.io/team/app",
                "a4")));
    add(
        k,
        "nginx",
        dcj(
            "a",
            auths(
                "index.docker.io",
                "a1",
                "https://index.docker.io/v1/",
                "a2",
                "index.docker.io/v2/",
                "a3")));
    add(
        k,
        "nginx",
        dcj("a", j("{'auths':{'r.io':{'username':'same'},'https://r.io':{'username':'same'}}}")));
    add(
        k,
        "r.io/app",
        dcj("a", j("{'auths':{'r.io':{'username':'same'},'https://r.io':{'username':'same'}}}")));
    add(
        k,
        "r.io/app",
        dcj("a", auths("r.io", "a1", "https://r.io", "a2")),
        dcj("a", auths("r.io", "a1", "https://r.io", "a2")));
    add(
        k,
        "r.io:5000/app",
        dcj(
            "a",
            auths(
                "r.io:5000",
                "a1",
                "http://r.io:5000",
                "a2",
                "https://u@r.io:5000/",
                "a3",
                "r.io:5000/v2/",
                "a4",
                "r.io:5000#x",
                "a5")));
  }

  private void userInfo() {
    String k = "userinfo-keys";
    for (String key :
        List.of(
            "https://user:pw@r.io/",
            "user@r.io",
            "u:p@r.io:5000/team",
            "a@b@r.io",
            "u%40x@r.io",
            "u:p:q@r.io",
            "@r.io",
            ":@r.io",
            "u:p@",
            "http://u:p@[::1]:5000")) {
      add(k, "r.io/app", dcj("a", auths(key, "a1")));
      add(k, "r.io:5000/team/app", dcj("a", auths(key, "a1")));
    }
  }

  private void dockerHubFallback() {
    String k = "docker-hub-fallback";
    Secret hub = dcj("a", auths("index.docker.io", "a1", "r.io", "a2"));
    Secret hubV1 = dcj("a", auths("https://index.docker.io/v1/", "a1"));
    Secret docker = dcj("a", auths("docker.io", "a1"));
    Secret wild = dcj("a", auths("*.docker.io", "a1", "docker.*", "a2"));
    for (String image :
        List.of(
            "nginx",
            "library/nginx",
            "docker.io/x/y",
            "index.docker.io/x/y",
            "localhost/app",
            "localhost:5000/app",
            "Foo/bar",
            "FOO:5000/bar",
            "registry_1.example.com/app",
            "r.io/app",
            "registry-1.docker.io/library/nginx")) {
      add(k, image, hub);
      add(k, image, hubV1);
      add(k, image, docker);
      add(k, image, wild);
    }
    add(k, "nginx", dcj("a", auths("index.docker.io", "a1")), dcj("b", auths("docker.io", "b1")));
    add(
        k,
        "nginx",
        dcj("a", auths("index.docker.io", "a1")),
        dcj("b", auths("index.docker.io/v2/", "b1")));
  }

  private void jsonSyntax() {
    String k = "json-syntax";
    String good = auths("r.io", "a1");
    List<byte[]> docs = new ArrayList<>();
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1',}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},}")));
    docs.add(utf8("// c\n" + good));
    docs.add(utf8(good + " /* c */"));
    docs.add(utf8("\ufeff" + good));
    docs.add(utf8(good + "x"));
    docs.add(utf8(good + " " + good));
    docs.add(utf8(" \t\r\n" + good + " \t\r\n"));
    docs.add(utf8(good + "\u000b"));
    docs.add(utf8(good + "\u00a0"));
    docs.add(utf8(" "));
    docs.add(utf8("{'auths':{}}"));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a\u0001'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a\\u0001'}}}")));
    docs.add(utf8(j("{'auths':{'r\\u002eio':{'username':'a1'}}}")));
    docs.add(utf8(j("{'auths':{'r.io\\u0000':{'username':'a1'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'\\ud800x\\udc00\\ud83d\\ude00'}}}")));
    docs.add(utf8(j("{'auths':{'r.io\\ud800':{'username':'a1'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'\\x41'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'\\u00'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'x':01}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'x':1.}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'x':-}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'x':NaN}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'x':True}")));
    docs.add(
        utf8(j("{'auths':{'r.io':{'username':'a1'}},'x':1e5,'y':-0.5E-2,'z':[null,false,true]}")));
    docs.add(utf8("{'auths':{'r.io':{'username':'a1'}}}"));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'},'r.io':{'username':'a2'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'},'r.io':null}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'auths':{'q.io':{'username':'a2'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}},'auths':{'r.io':{'password':'x'}}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}}")));
    docs.add(utf8(j("{'auths':{'r.io':{'username':'a1'}}}}")));
    docs.add(utf8(j("{'auths'{'r.io':{}}}")));
    docs.add(utf8(j("{auths:{}}")));
    byte[] invalidUtf8 = utf8(j("{'auths':{'r.io':{'username':'aXb'}},'Xk':1}"));
    for (int i = 0; i < invalidUtf8.length; i++) {
      if (invalidUtf8[i] == 'X') {
        invalidUtf8[i] = (byte) 0xff;
      }
    }
    docs.add(invalidUtf8);
    byte[] invalidKey = utf8(j("{'auths':{'rX.io':{'username':'a1'}}}"));
    for (int i = 0; i < invalidKey.length; i++) {
      if (invalidKey[i] == 'X') {
        invalidKey[i] = (byte) 0xc3;
      }
    }
    docs.add(invalidKey);
    docs.add(
        utf8(
            j(
                "{'auths':{'r.io':{'username':'a1','x':"
                    + "[".repeat(10000)
                    + "]".repeat(10000)
                    + "}}}")));
    docs.add(
        utf8(
            j(
                "{'auths':{'r.io':{'username':'a1','x':"
                    + "[".repeat(9998)
                    + "]".repeat(9998)
                    + "}}}")));
    docs.add(
        utf8(
            j(
                "{'auths':{'r.io':{'username':'a1','x':"
                    + "[".repeat(9997)
                    + "]".repeat(9997)
                    + "}}}")));
    for (byte[] doc : docs) {
      add(k, "r.io/app", raw("a", DCJ, ".dockerconfigjson", doc));
    }
    add(k, "r.io/app", raw("a", CFG, ".dockercfg", utf8(j("{'r.io':{'username':'a1'},}"))));
    add(k, "r.io/app", raw("a", CFG, ".dockercfg", utf8(j("{'r.io':{'username':'a1'}} x"))));
  }

  private void matchingRules() {
    String k = "matching-rules";
    String[][] pairs = {
      {"registry.example.com", "registry.example.com/app"},
      {"registry.example.com", "other.example.com/app"},
      {"https://registry.example.com", "registry.example.com/app"},
      {"http://registry.example.com/", "registry.example.com/app"},
      {"https://registry.example.com/v2/", "registry.example.com/app"},
      {"https://registry.example.com/v1/", "registry.example.com/app"},
      {"*.kubernetes.io", "abc.kubernetes.io/app"},
      {"*.kubernetes.io", "kubernetes.io/app"},
      {"*.kubernetes.io", "abc.def.kubernetes.io/app"},
      {"*.*.kubernetes.io", "abc.def.kubernetes.io/app"},
      {"prefix.*.io", "prefix.kubernetes.io/app"},
      {"*-good.kubernetes.io", "prefix-good.kubernetes.io/app"},
      {"*-good.kubernetes.io", "prefix-bad.kubernetes.io/app"},
      {"k8s.*", "k8s.io/app"},
      {"my-registry.io/images", "my-registry.io/images/app"},
      {"my-registry.io/images", "my-registry.io/other/app"},
      {"*.my-registry.io/images", "a.my-registry.io/images/app"},
      {"registry.io:8080/path", "registry.io:8080/path/app"},
      {"registry.io:8080/path", "registry.io/path/app"},
      {"registry.io:8080/path", "registry.io:8081/path/app"},
      {"registry.io", "registry.io:8080/app"},
      {"quay.io/foo", "quay.io/foobar"},
      {"docker.io", "nginx"},
      {"index.docker.io", "docker.io/library/nginx"},
      {"registry-1.docker.io", "nginx"},
      {"localhost:5000", "localhost:5000/app"},
      {"ab*.example.com", "abc.example.com/app"},
      {"ab?.example.com", "abc.example.com/app"},
      {"REGISTRY.example.com", "registry.example.com/app"},
      {"REGISTRY.example.com", "REGISTRY.example.com/app"},
      {"registry.example.com.", "registry.example.com/app"},
    };
    for (String[] p : pairs) {
      add(k, p[1], dcj("a", auths(p[0], "a1")));
    }
  }

  private void severalSecrets() {
    String k = "several-secrets";
    add(
        k,
        "quay.io/team/app:1",
        dcj("a", auths("quay.io", "a1")),
        dcj("b", auths("quay.io/team", "b1", "other.io", "b2")));
    add(
        k,
        "quay.io/team/app",
        dcj("a", auths("quay.io/team", "a1")),
        dcj("b", auths("quay.io", "b1", "*.io", "b2")));
    add(k, "r.io/app", dcj("a", auths("r.io", "a1")), cfg("b", j("{'r.io':{'username':'b1'}}")));
    add(
        k,
        "r.io/app",
        dcj("a", auths("r.io", "a1")),
        raw("b", "Opaque", "x", utf8("y")),
        dcj("c", auths("r.io", "c1")));
    add(
        k,
        "r.io/app",
        dcj("a", auths("r.io", "a1")),
        dcj("b", "{bad"),
        dcj("c", auths("r.io", "c1")));
    add(k, "r.io/app");
    add(
        k,
        "r.io/app",
        dcj(
            "a",
            auths("r.io/app", "a1", "r.io/ap", "a2", "r.io/a", "a3", "r.io", "a4", "*.io", "a5")));
  }

  // ---------------------------------------------------------------- generated

  private static final String[] HOSTS = {
    "r.io",
    "a.r.io",
    "b.a.r.io",
    "R.IO",
    "r.io:5000",
    "a.r.io:5000",
    "localhost",
    "localhost:5000",
    "docker.io",
    "index.docker.io",
    "quay.io",
    "registry_1.example.com",
    "my_host",
    "127.0.0.1",
    "127.0.0.1:5000",
    "[::1]:5000",
    "[::1]",
    "x-y.io",
    "ghcr.io",
  };
  private static final String[] PATHS = {
    "", "app", "team/app", "team/sub/app", "library/nginx", "a", "team", "x_y/z", "v2", "v1/app",
  };
  private static final String[] KEY_EXTRAS = {
    "", "", "", "/", "/v2/", "/v1/", "/team", "/team/", "?q", "#f", ":5000", ":", "/%74eam", "/app",
  };
  private static final String[] SPECIALS = {
    "*", "?", "[", "]", "\\", "%", "%2", "%41", "%2F", "#", "@", ":", " ", "_", "~", "!", "$", "'",
    "(", ")", "+", ",", ";", "=", "<", ">", "\"", "{", "|", "^", "`", "\u00e9", "\u0001", ".", "/",
    "-", "%C3%A9", "%25", "..",
  };

  private void generated(long seed) {
    Random rnd = new Random(seed);
    for (int i = 0; i < 400; i++) {
      randomKeysAndImages(rnd);
    }
    for (int i = 0; i < 300; i++) {
      randomImages(rnd);
    }
    for (int i = 0; i < 300; i++) {
      randomContents(rnd);
    }
    for (int i = 0; i < 300; i++) {
      fuzzedBytes(rnd);
    }
  }

  private static <T> T pick(Random rnd, T[] from) {
    return from[rnd.nextInt(from.length)];
  }

  private static String randomKey(Random rnd) {
    return randomKey(rnd, pick(rnd, HOSTS));
  }

  private static String randomKey(Random rnd, String host) {
    if (rnd.nextInt(4) == 0) {
      // a glob label
      String[] labels = host.split("\\.", -1);
      int at = rnd.nextInt(labels.length);
      labels[at] = rnd.nextBoolean() ? "*" : labels[at].substring(0, labels[at].length() / 2) + "*";
      host = String.join(".", labels);
    }
    String key =
        switch (rnd.nextInt(6)) {
          case 0 -> "https://" + host;
          case 1 -> "http://" + host;
          case 2 -> "https://u:p@" + host;
          default -> host;
        };
    key += pick(rnd, KEY_EXTRAS);
    int mutations = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0;
    for (int m = 0; m < mutations; m++) {
      int at = rnd.nextInt(key.length() + 1);
      key = key.substring(0, at) + pick(rnd, SPECIALS) + key.substring(at);
    }
    return key;
  }

  private static String randomImage(Random rnd, boolean mutate) {
    return randomImage(rnd, pick(rnd, HOSTS), mutate);
  }

  private static String randomImage(Random rnd, String host, boolean mutate) {
    String path = pick(rnd, PATHS);
    String image =
        switch (rnd.nextInt(5)) {
          case 0 -> path.isEmpty() ? "nginx" : path;
          default -> host + "/" + (path.isEmpty() ? "app" : path);
        };
    switch (rnd.nextInt(6)) {
      case 0 -> image += ":1.2";
      case 1 -> image += ":latest";
      case 2 -> image += "@sha256:" + HEX64;
      case 3 -> image += ":v1@sha256:" + HEX64;
      default -> {}
    }
    if (mutate) {
      int mutations = 1 + rnd.nextInt(2);
      for (int m = 0; m < mutations; m++) {
        int at = rnd.nextInt(image.length() + 1);
        String ins =
            switch (rnd.nextInt(4)) {
              case 0 -> pick(rnd, SPECIALS);
              case 1 -> String.valueOf((char) ('A' + rnd.nextInt(26)));
              case 2 -> "_";
              default -> "-";
            };
        image = image.substring(0, at) + ins + image.substring(at);
      }
    }
    return image;
  }

  private void randomKeysAndImages(Random rnd) {
    int secrets = 1 + rnd.nextInt(3);
    List<Secret> list = new ArrayList<>();
    int cred = 0;
    String host = pick(rnd, HOSTS);
    for (int s = 0; s < secrets; s++) {
      int entries = 1 + rnd.nextInt(4);
      List<String> keyUser = new ArrayList<>();
      for (int e = 0; e < entries; e++) {
        if (rnd.nextInt(3) != 0) {
          host = pick(rnd, HOSTS); // else: another spelling of the same registry
        }
        keyUser.add(randomKey(rnd, host));
        keyUser.add("s" + s + "c" + cred++);
      }
      String name = String.valueOf((char) ('a' + s));
      String json = auths(keyUser.toArray(String[]::new));
      list.add(rnd.nextInt(5) == 0 ? cfg(name, legacyOf(keyUser)) : dcj(name, json));
    }
    add(
        "random-keys",
        randomImage(rnd, rnd.nextBoolean() ? host : pick(rnd, HOSTS), rnd.nextInt(6) == 0),
        list.toArray(Secret[]::new));
  }

  private static String legacyOf(List<String> keyUser) {
    String json = auths(keyUser.toArray(String[]::new));
    return json.substring("{\"auths\":".length(), json.length() - 1);
  }

  private void randomImages(Random rnd) {
    String image = randomImage(rnd, rnd.nextBoolean());
    String host = image.contains("/") ? image.substring(0, image.indexOf('/')) : "docker.io";
    add(
        "random-images",
        image,
        dcj("a", auths(host, "a1", "index.docker.io", "a2", "*.io", "a3", host + "/team", "a4")));
  }

  private static final String[] FIELD_NAMES = {
    "username",
    "Username",
    "USERNAME",
    "password",
    "Password",
    "auth",
    "Auth",
    "AUTH",
    "email",
    "identitytoken",
    "u\u017fername",
    "pa\u017fsword",
    "user",
    "x",
  };

  private static String randomValue(Random rnd, String field) {
    return switch (rnd.nextInt(30)) {
      case 0, 1, 2 -> "null";
      case 3 -> "5";
      case 4 -> "true";
      case 5 -> "{}";
      case 6 -> "[]";
      default -> {
        if (field.equalsIgnoreCase("auth") && rnd.nextInt(6) != 0) {
          String user = "u" + rnd.nextInt(100);
          String a = b64(user + (rnd.nextInt(6) == 0 ? "" : ":pw" + rnd.nextInt(10)));
          if (rnd.nextInt(4) == 0) {
            a = a.replace("=", "");
          }
          if (rnd.nextInt(4) == 0) {
            int at = rnd.nextInt(a.length() + 1);
            a =
                a.substring(0, at)
                    + pick(rnd, new String[] {"\n", "\r\n", " ", "=", "!", "\t"})
                    + a.substring(at);
          }
          yield quote(a);
        }
        yield quote("v" + rnd.nextInt(1000));
      }
    };
  }

  private String lastHost = "r.io";

  private String randomDocument(Random rnd, boolean configJson) {
    StringBuilder entries = new StringBuilder("{");
    int n = rnd.nextInt(4);
    for (int e = 0; e < n; e++) {
      if (e > 0) {
        entries.append(',');
      }
      if (e == 0 || rnd.nextInt(3) != 0) {
        lastHost = pick(rnd, HOSTS);
      }
      entries.append(quote(randomKey(rnd, lastHost))).append(':');
      if (rnd.nextInt(10) == 0) {
        entries.append(pick(rnd, new String[] {"null", "5", "\"x\"", "[]"}));
        continue;
      }
      entries.append('{');
      int fields = rnd.nextInt(4);
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          entries.append(',');
        }
        String field = pick(rnd, FIELD_NAMES);
        entries.append(quote(field)).append(':').append(randomValue(rnd, field));
      }
      entries.append('}');
    }
    entries.append('}');
    if (!configJson) {
      return entries.toString();
    }
    String authsName =
        pick(rnd, new String[] {"auths", "auths", "auths", "Auths", "AUTHS", "auth\u017f", "auth"});
    StringBuilder doc = new StringBuilder("{");
    doc.append(quote(authsName)).append(':');
    doc.append(rnd.nextInt(12) == 0 ? pick(rnd, new String[] {"null", "[]", "\"x\""}) : entries);
    if (rnd.nextInt(5) == 0) {
      doc.append(",\"HttpHeaders\":")
          .append(pick(rnd, new String[] {"{\"a\":\"b\"}", "null", "{\"a\":1}", "5", "{}"}));
    }
    if (rnd.nextInt(6) == 0) {
      doc.append(",\"credsStore\":\"x\"");
    }
    return doc.append('}').toString();
  }

  private void randomContents(Random rnd) {
    int secrets = 1 + rnd.nextInt(2);
    List<Secret> list = new ArrayList<>();
    for (int s = 0; s < secrets; s++) {
      boolean configJson = rnd.nextInt(4) != 0;
      String name = String.valueOf((char) ('a' + s));
      boolean crossed = rnd.nextInt(8) == 0; // the other layout in the type
      String doc = randomDocument(rnd, configJson != crossed);
      list.add(configJson ? dcj(name, doc) : cfg(name, doc));
    }
    add("random-contents", randomImage(rnd, lastHost, false), list.toArray(Secret[]::new));
  }

  private static final String[] FUZZ = {
    "{", "}", "[", "]", "\"", ":", ",", "\\", " ", "\n", "null", "true", "0", "-", "1e", ".",
    "\u017f", "u", "\\u", "\\ud800", "/", "*", "'",
  };

  private void fuzzedBytes(Random rnd) {
    String doc = randomDocument(rnd, true);
    byte[] bytes = utf8(doc);
    int mutations = 1 + rnd.nextInt(2);
    for (int m = 0; m < mutations; m++) {
      int at = rnd.nextInt(bytes.length + 1);
      byte[] ins =
          rnd.nextInt(5) == 0
              ? new byte[] {(byte) (0x80 + rnd.nextInt(0x80))}
              : utf8(pick(rnd, FUZZ));
      int cut = rnd.nextInt(3) == 0 && at < bytes.length ? 1 : 0;
      byte[] next = new byte[bytes.length - cut + (rnd.nextInt(4) == 0 ? 0 : ins.length)];
      int insLen = next.length - (bytes.length - cut);
      System.arraycopy(bytes, 0, next, 0, at);
      System.arraycopy(ins, 0, next, at, insLen);
      System.arraycopy(bytes, at + cut, next, at + insLen, bytes.length - at - cut);
      bytes = next;
    }
    add(
        "fuzzed-bytes",
        randomImage(rnd, lastHost, false),
        raw("a", DCJ, ".dockerconfigjson", bytes));
  }
}
