package dev.pullpolicy.plugin.transport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kubectl's connection flags say; each, when given, wins over the kubeconfig (null or empty
 * means "not given"). Chained setters, so that tests and the command line can set only what they
 * need.
 */
public final class Overrides {
  String kubeconfig;
  String context;
  String cluster;
  String user;
  String server;
  String certificateAuthority;
  String clientCertificate;
  String clientKey;
  String token;
  boolean insecureSkipTlsVerify;
  String tlsServerName;
  String as;
  List<String> asGroups = List.of();
  String asUid;
  Map<String, List<String>> asUserExtra = Map.of();
  String proxyUrl;
  boolean disableCompression;
  String namespace;
  Duration requestTimeout = Duration.ZERO;

  public Overrides kubeconfig(String v) {
    kubeconfig = v;
    return this;
  }

  public Overrides context(String v) {
    context = v;
    return this;
  }

  public Overrides cluster(String v) {
    cluster = v;
    return this;
  }

  public Overrides user(String v) {
    user = v;
    return this;
  }

  public Overrides server(String v) {
    server = v;
    return this;
  }

  public Overrides certificateAuthority(String v) {
    certificateAuthority = v;
    return this;
  }

  public Overrides clientCertificate(String v) {
    clientCertificate = v;
    return this;
  }

  public Overrides clientKey(String v) {
    clientKey = v;
    return this;
  }

  public Overrides token(String v) {
    token = v;
    return this;
  }

  public Overrides insecureSkipTlsVerify(boolean v) {
    insecureSkipTlsVerify = v;
    return this;
  }

  public Overrides tlsServerName(String v) {
    tlsServerName = v;
    return this;
  }

  public Overrides as(String v) {
    as = v;
    return this;
  }

  public Overrides asGroups(List<String> v) {
    asGroups = v == null ? List.of() : List.copyOf(v);
    return this;
  }

  public Overrides asUid(String v) {
    asUid = v;
    return this;
  }

  public Overrides asUserExtra(Map<String, List<String>> v) {
    asUserExtra = v == null ? Map.of() : new LinkedHashMap<>(v);
    return this;
  }

  public Overrides proxyUrl(String v) {
    proxyUrl = v;
    return this;
  }

  public Overrides disableCompression(boolean v) {
    disableCompression = v;
    return this;
  }

  public Overrides namespace(String v) {
    namespace = v;
    return this;
  }

  public Overrides requestTimeout(Duration v) {
    requestTimeout = v == null ? Duration.ZERO : v;
    return this;
  }

  public String kubeconfig() {
    return kubeconfig;
  }

  /** Whether no flag was given: the connection is the kubeconfig's alone. */
  public boolean noneGiven() {
    return !given(kubeconfig)
        && !given(context)
        && !given(cluster)
        && !given(user)
        && !given(server)
        && !given(certificateAuthority)
        && !given(clientCertificate)
        && !given(clientKey)
        && !given(token)
        && !insecureSkipTlsVerify
        && !given(tlsServerName)
        && !given(as)
        && asGroups.isEmpty()
        && !given(asUid)
        && asUserExtra.isEmpty()
        && !given(proxyUrl)
        && !disableCompression
        && !given(namespace)
        && requestTimeout.isZero();
  }

  static boolean given(String s) {
    return s != null && !s.isEmpty();
  }
}
