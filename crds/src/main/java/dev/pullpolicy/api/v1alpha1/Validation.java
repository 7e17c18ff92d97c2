package dev.pullpolicy.api.v1alpha1;

/** Patterns shared by the schema and by client-side checks (the plugin's {@code create}). */
public final class Validation {
  /** RFC 1123 label: a namespace name. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** RFC 1123 subdomain: a Secret or ServiceAccount name. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A namespace name glob: '*' any run of characters, '?' one character. */
  public static final String NAME_GLOB = "^[a-z0-9*?.-]+$";

  /** A ServiceAccount name, or "*" for all. */
  public static final String SERVICE_ACCOUNT_NAME_OR_STAR =
      "^([*]|[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$";

  private Validation() {}
}
