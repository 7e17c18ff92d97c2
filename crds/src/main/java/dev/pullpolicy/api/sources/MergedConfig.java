package dev.pullpolicy.api.sources;

import java.util.List;

/**
 * The union of the sources' registries as one {@code .dockerconfigjson} document.
 *
 * @param json the document's bytes (what every copy carries)
 * @param hash a SHA-256 of {@code json}, hex; the copies' source-hash annotation
 * @param registries registry hosts covered (no scheme, no user-info, no path), sorted
 * @param notes one-line notes for users: registries present in several sources (the first wins) and
 *     registries the kubelet ignores (left out of the copy); at most {@link
 *     SourceConfigs#MAX_NOTES}
 * @param notesOmitted how many more notes there were
 */
public record MergedConfig(
    byte[] json, String hash, List<String> registries, List<String> notes, int notesOmitted) {

  /** A merge with no notes left out. */
  public MergedConfig(byte[] json, String hash, List<String> registries, List<String> notes) {
    this(json, hash, registries, notes, 0);
  }
}
