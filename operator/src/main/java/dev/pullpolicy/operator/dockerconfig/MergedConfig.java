package dev.pullpolicy.operator.dockerconfig;

import java.util.List;

/**
 * The union of the sources' {@code auths} as one {@code .dockerconfigjson} document.
 *
 * @param json the document's bytes (what every copy carries)
 * @param hash a SHA-256 of {@code json}, hex; the copies' source-hash annotation
 * @param registries registry hosts covered (no scheme, no path), sorted
 * @param shadowed human-readable notes on registries present in several sources (first wins)
 */
public record MergedConfig(
    byte[] json, String hash, List<String> registries, List<String> shadowed) {}
