package dev.pullpolicy.api.v1alpha1;

/**
 * Patterns and CEL rules shared by the schema and by client-side checks (the plugin's {@code
 * create}).
 */
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

  /**
   * The longest label key: a DNS subdomain prefix (at most 253), '/', and a name (at most 63). The
   * exact rule is Kubernetes' own qualified-name check, in CEL ({@link #CEL_LABEL_KEYS}).
   */
  public static final int MAX_LABEL_KEY = 317;

  /** The longest label value. */
  public static final int MAX_LABEL_VALUE = 63;

  /**
   * A label value (Kubernetes' own rule): empty, or letters, digits, '-', '_', '.', beginning and
   * ending with a letter or digit; at most {@link #MAX_LABEL_VALUE} characters. A schema pattern,
   * not CEL: it costs nothing in the CEL budget and the API server's message names the field.
   */
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  /** How a valid label key is described in messages. */
  private static final String LABEL_KEY_WORDS =
      "an optional DNS subdomain prefix and a slash, then a name of at most 63 characters of"
          + " [A-Za-z0-9._-] beginning and ending with a letter or digit";

  /**
   * CEL on a map of labels: every key is a valid label key, by the API server's own check (the
   * Kubernetes CEL format library, API servers 1.31 and later). Map keys have no schema of their
   * own, hence CEL; a message that lists the wrong keys would exceed the cost budget.
   */
  public static final String CEL_LABEL_KEYS =
      "self.all(k, !format.qualifiedName().validate(k).hasValue())";

  /** The message of {@link #CEL_LABEL_KEYS}. */
  public static final String LABEL_KEYS_MESSAGE =
      "keys must be valid label keys (" + LABEL_KEY_WORDS + ")";

  /** CEL on one label key. */
  public static final String CEL_LABEL_KEY = "!format.qualifiedName().validate(self).hasValue()";

  /** The message of {@link #CEL_LABEL_KEY}. */
  public static final String LABEL_KEY_MESSAGE =
      "must be a valid label key (" + LABEL_KEY_WORDS + ")";

  /**
   * CEL on a map of annotations: every key is a valid annotation key (a label key, compared in
   * lower case as the API server does for annotations).
   */
  public static final String CEL_ANNOTATION_KEYS =
      "self.all(k, !format.qualifiedName().validate(k.lowerAscii()).hasValue())";

  /** The message of {@link #CEL_ANNOTATION_KEYS}. */
  public static final String ANNOTATION_KEYS_MESSAGE =
      "keys must be valid annotation keys (" + LABEL_KEY_WORDS + ")";

  private Validation() {}
}
