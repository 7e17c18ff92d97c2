package dev.pullpolicy.api.sources;

import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import java.util.List;

/**
 * A source the kubelet reads without error and that holds at least one registry it can use.
 *
 * @param entries the registries the kubelet indexes, in the source's order
 * @param notes one-line notes on what the copy leaves out (registries the kubelet ignores)
 */
public record ParsedSource(
    SecretReference ref, List<PullSecret.Entry> entries, List<String> notes) {}
