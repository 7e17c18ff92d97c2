package dev.pullpolicy.api.selection;

/**
 * What a policy makes of one namespace. {@link Namespaces#verdict} decides it, in this order: a
 * namespace the policy's {@code namespaces} do not select is {@link #NOT_SELECTED}, whatever else
 * holds; a selected one being deleted is {@link #TERMINATING}, even when it also opts out; a
 * selected one that opts out is {@link #IGNORED}; the rest is {@link #SELECTED}.
 */
public enum NamespaceVerdict {
  /** The namespace gets the copy and the ServiceAccount entries. */
  SELECTED,
  /**
   * It would be selected, but opts out ({@code pullpolicy.dev/ignore: "true"}): what the policy put
   * there is removed, and it counts as ignored.
   */
  IGNORED,
  /**
   * It would be selected, but is being deleted: skipped quietly, neither written nor counted (its
   * deletion removes what is in it).
   */
  TERMINATING,
  /** The policy does not select it: what the policy put there is removed. */
  NOT_SELECTED;

  /** True when the policy's {@code namespaces} select it (whether or not it gets the copy). */
  public boolean matchesPolicy() {
    return this != NOT_SELECTED;
  }
}
