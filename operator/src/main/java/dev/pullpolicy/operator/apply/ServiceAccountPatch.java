package dev.pullpolicy.operator.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON merge patch (RFC 7386) that turns a ServiceAccount's {@code imagePullSecrets} and
 * annotations as read into those of its edited copy, guarded by the resourceVersion it was read at:
 * the patch carries that {@code metadata.resourceVersion}, so the API server refuses it with 409
 * Conflict when the object changed since (the guarantee of an update with that resourceVersion: no
 * other writer's entry is ever lost). Only what differs is sent: the whole entry list when it
 * changed, and the annotations that changed (a removed one as null), never the rest of the object,
 * so that an object cached without its other fields can be patched and a request stays small.
 */
public final class ServiceAccountPatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServiceAccountPatch() {}

  /** The patch from {@code current} to {@code edited}, as JSON. */
  public static String of(ServiceAccount current, ServiceAccount edited) {
    String version = current.getMetadata().getResourceVersion();
    if (version == null || version.isEmpty()) {
      throw new IllegalArgumentException(
          "a guarded patch needs the resourceVersion it was read at");
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("resourceVersion", version);
    Map<String, String> was = annotations(current);
    Map<String, String> is = annotations(edited);
    Set<String> keys = new LinkedHashSet<>(was.keySet());
    keys.addAll(is.keySet());
    Map<String, String> changed = new LinkedHashMap<>();
    for (String key : keys) {
      if (!Objects.equals(was.get(key), is.get(key))) {
        changed.put(key, is.get(key)); // null removes it
      }
    }
    if (!changed.isEmpty()) {
      metadata.put("annotations", changed);
    }
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("metadata", metadata);
    List<LocalObjectReference> after = entries(edited);
    if (!entries(current).equals(after)) {
      List<Map<String, String>> list = new ArrayList<>(after.size());
      for (LocalObjectReference r : after) {
        Map<String, String> ref = new LinkedHashMap<>();
        ref.put("name", r.getName());
        list.add(ref);
      }
      patch.put("imagePullSecrets", list); // a merge patch replaces a list whole
    }
    try {
      return JSON.writeValueAsString(patch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<LocalObjectReference> entries(ServiceAccount sa) {
    return sa.getImagePullSecrets() == null ? List.of() : sa.getImagePullSecrets();
  }

  private static Map<String, String> annotations(ServiceAccount sa) {
    return sa.getMetadata().getAnnotations() == null ? Map.of() : sa.getMetadata().getAnnotations();
  }
}
