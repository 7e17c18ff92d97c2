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
  /** False: a source lacks its data key (.dockerconfigjson or .dockercfg). */
  MissingKey,
  /** False: a source's data is not base64 of a JSON object. */
  InvalidJson,
  /** False: a source names no registry. */
  NoAuths,
  /** False: an {@code auth} of a source is not base64 of user:password. */
  BadAuth;
}
