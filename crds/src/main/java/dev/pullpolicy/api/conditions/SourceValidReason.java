package dev.pullpolicy.api.conditions;

/**
 * The reasons of the {@link ConditionType#SourceValid} condition; the False ones are also the
 * reasons of the Warning Events about a source.
 */
public enum SourceValidReason {
  /** True: every source is a usable pull Secret. */
  SourcesValid,
  /**
   * False: there is no pull Secret by a source's name: no Secret, or one whose type is not
   * kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg. The two are one reason on purpose:
   * status is read by people who may not read the source, and it tells them nothing about a Secret
   * that is not a pull Secret (not even that it exists).
   */
  SourceNotFound,
  /** False: a source lacks its data key (.dockerconfigjson or .dockercfg), or it is empty. */
  MissingKey,
  /**
   * False: a source's data is not JSON, or has a known field of the wrong type: the kubelet would
   * fail every pull of a Pod using it.
   */
  InvalidJson,
  /** False: a source names no registry the kubelet can use. */
  NoAuths,
  /**
   * False: an {@code auth} of a source (in any letter case) is not base64 of user:password: the
   * kubelet would fail every pull of a Pod using it.
   */
  BadAuth,
  /**
   * False: a source holds the layout of the other pull Secret type ({@code {"auths": …}} in a
   * dockercfg Secret, or registries at the top level in a dockerconfigjson Secret): the kubelet
   * reads it without error but finds no usable registry in it.
   */
  WrongLayout,
  /**
   * False: the merged content of the sources, which every copy would hold, is larger than a
   * Secret's data may be (1 MiB, the API server's limit): no copy could be written.
   */
  SourceTooLarge;
}
