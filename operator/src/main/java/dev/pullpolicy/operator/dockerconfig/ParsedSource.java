package dev.pullpolicy.operator.dockerconfig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pullpolicy.api.v1alpha1.SecretReference;

/** A source whose data parsed as a docker config: its {@code auths} object, in source order. */
public record ParsedSource(SecretReference ref, ObjectNode auths) {}
