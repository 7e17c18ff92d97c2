package dev.pullpolicy.operator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The API client reads every object without its {@code metadata.managedFields}: the operator never
 * reads them, and they are a large part of each object the API server sends (one entry per field
 * manager, each a tree of every field it set), so skipping them saves parsing and allocation on
 * every list page and watch event of the informers. Writes are unchanged: a merge patch or an
 * update that carries no managedFields leaves the server's as they are.
 */
@Singleton
public class ClientSerialization implements KubernetesClientObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    withoutManagedFields(mapper);
  }

  /**
   * Makes {@code mapper} skip {@code metadata.managedFields} when it reads (and writes) objects.
   */
  public static ObjectMapper withoutManagedFields(ObjectMapper mapper) {
    return mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
  }

  @JsonIgnoreProperties({"managedFields"})
  private abstract static class WithoutManagedFields {}
}
