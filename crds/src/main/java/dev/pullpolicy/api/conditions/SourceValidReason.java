package dev.pullpolicy.api.conditions;

/**
 * The reasons of the {@link ConditionType#SourceValid} condition; the False ones are also the
 * reasons of the Warning Events about a source.
 */
public enum SourceValidReason {
  /** True: every source is a usable pull Secret. */
  SourcesValid,
  /** False: a source Secret does not exist. */
  SourceNotFound,
  /** False: a source is not of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg. */
  WrongSecretType,
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
  WrongLayout;
}
