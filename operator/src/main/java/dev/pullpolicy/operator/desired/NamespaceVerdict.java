package dev.pullpolicy.operator.desired;

/** What a policy makes of one namespace. */
public enum NamespaceVerdict {
  /** The namespace gets the copy. */
  SELECTED,
  /** It would be selected, but opted out with {@code pullpolicy.dev/ignore: "true"}. */
  IGNORED,
  /** It is being deleted: skipped quietly, neither written nor counted. */
  TERMINATING,
  /** The policy does not select it. */
  NOT_SELECTED
}
