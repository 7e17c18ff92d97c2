package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A namespaced reference to a source Secret. */
public class SecretReference {

  @Required
  @Size(min = 1, max = 63)
  @Pattern(Validation.DNS_LABEL)
  @JsonPropertyDescription("Namespace of the source Secret (a DNS label).")
  private String namespace;

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Validation.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Name of the source Secret, of type kubernetes.io/dockerconfigjson or"
          + " kubernetes.io/dockercfg.")
  private String name;

  public SecretReference() {}

  public SecretReference(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretReference r
        && Objects.equals(namespace, r.namespace)
        && Objects.equals(name, r.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
