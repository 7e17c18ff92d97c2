package dev.pullpolicy.operator.cache;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.sources.SourceConfigs;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Base64;
import java.util.Map;

/**
 * A managed Secret as the operator's cache keeps it: metadata (without managed fields) and type, no
 * data. In place of the data it holds the SHA-256 of the data as the API server returned it,
 * computed when the object entered the cache, so that a copy is compared with the desired one by
 * hash alone: a copy edited by hand (data changed, annotation kept) still differs. The cache's
 * memory thus grows with the number of copies, not with the size of what they hold.
 *
 * <p>Never written back to the cluster (it has no data); writes use a desired Secret or a freshly
 * read one.
 */
public final class CachedCopy extends Secret {
  private static final long serialVersionUID = 1L;

  @JsonIgnore private final transient String dataHash;

  private CachedCopy(Secret s, String dataHash) {
    setApiVersion(s.getApiVersion());
    setKind(s.getKind());
    setMetadata(s.getMetadata());
    getMetadata().setManagedFields(null);
    setType(s.getType());
    setImmutable(s.getImmutable());
    setData(null);
    setStringData(null);
    this.dataHash = dataHash;
  }

  /** The Secret without its data, with the hash of the data. */
  public static CachedCopy of(Secret s) {
    return s instanceof CachedCopy c ? c : new CachedCopy(s, dataHash(s));
  }

  /**
   * The SHA-256 (hex) of a copy's data: of the decoded {@code .dockerconfigjson} when that is its
   * only key, so that it equals the source hash exactly when the copy holds the merged sources;
   * null for any other data (never in sync).
   */
  public static String dataHash(Secret s) {
    if (s instanceof CachedCopy c) {
      return c.dataHash;
    }
    Map<String, String> data = s.getData();
    if (data == null || data.size() != 1) {
      return null;
    }
    String b64 = data.get(PullSecrets.KEY_DOCKER_CONFIG_JSON);
    if (b64 == null) {
      return null;
    }
    try {
      return SourceConfigs.sha256(Base64.getDecoder().decode(b64));
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  /** The hash of the data this copy held when it entered the cache (null: not one we write). */
  @JsonIgnore
  public String dataHash() {
    return dataHash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CachedCopy c
        && super.equals(o)
        && java.util.Objects.equals(dataHash, c.dataHash);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
