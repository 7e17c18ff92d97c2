package dev.pullpolicy.api.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vectors from the container runtimes' documented normalisation (Docker Hub default, library/ for
 * single names, a first component with '.' or ':' or "localhost" is a host) and from the Kubernetes
 * docs on imagePullPolicy defaults. KubeletAgreementTest checks the same against the kubelet's
 * code.
 */
class ImageReferenceTest {

  private static final String DIGEST512 =
      "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final String DIGEST =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // reference,                              registry,                  repository,     tag,
        //    name
        "nginx,                                   docker.io,                 library/nginx,  -,        docker.io/library/nginx",
        "nginx:1.25,                              docker.io,                 library/nginx,  1.25,     docker.io/library/nginx",
        "library/nginx:latest,                    docker.io,                 library/nginx,  latest,   docker.io/library/nginx",
        "bitnami/redis:7.2,                       docker.io,                 bitnami/redis,  7.2,      docker.io/bitnami/redis",
        "docker.io/nginx,                         docker.io,                 library/nginx,  -,        docker.io/library/nginx",
        "index.docker.io/library/nginx,           docker.io,                 library/nginx,  -,        docker.io/library/nginx",
        "docker.io/bitnami/redis,                 docker.io,                 bitnami/redis,  -,        docker.io/bitnami/redis",
        "localhost/app,                           localhost,                 app,            -,        localhost/app",
        "localhost:5000/app:1,                    localhost:5000,            app,            1,        localhost:5000/app",
        "registry.example.com:5000/team/app,      registry.example.com:5000, team/app,       -,        registry.example.com:5000/team/app",
        "registry.example.com/team/sub/app:v1.2,  registry.example.com,      team/sub/app,   v1.2,     registry.example.com/team/sub/app",
        "gcr.io/project/image_name:tag-1,         gcr.io,                    project/image_name, tag-1, gcr.io/project/image_name",
        "myhost:5000/app,                         myhost:5000,               app,            -,        myhost:5000/app",
        "team/app,                                docker.io,                 team/app,       -,        docker.io/team/app",
        "a.b/c/d__e--f.g,                         a.b,                       c/d__e--f.g,    -,        a.b/c/d__e--f.g",
        "[::1]:5000/app:2,                        [::1]:5000,                app,            2,        [::1]:5000/app",
        // the grammar reads a host with '_' as a path, which the kubelet accepts as it is
        "registry_1.example.com/app,              registry_1.example.com,    app,            -,        registry_1.example.com/app",
        "Registry.Example.com/app,                Registry.Example.com,      app,            -,        Registry.Example.com/app",
      })
  void parsesAsContainerRuntimesDo(
      String reference, String registry, String repository, String tag, String name) {
    ImageReference ref = ImageReference.parse(reference);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.digest()).isNull();
    assertThat(ref.name()).isEqualTo(name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "registry.example.com/app@" + DIGEST + ", registry.example.com/app, ",
    "app:1.0@" + DIGEST + ", docker.io/library/app, 1.0",
    "localhost:5000/app@" + DIGEST + ", localhost:5000/app, ",
  })
  void keepsDigests(String reference, String name, String tag) {
    ImageReference ref = ImageReference.parse(reference);
    assertThat(ref.name()).isEqualTo(name);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.digest()).isEqualTo(DIGEST);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "nginx, Always",
    "nginx:latest, Always",
    "registry.example.com:5000/app, Always",
    "nginx:1.25, IfNotPresent",
    "localhost:5000/app:latest, Always",
    "nginx@" + DIGEST + ", IfNotPresent",
    "nginx:1.25@" + DIGEST + ", IfNotPresent",
  })
  void defaultsImagePullPolicyAsTheApiServerDoes(String reference, String policy) {
    assertThat(ImageReference.parse(reference).defaultPullPolicy()).isEqualTo(policy);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "NGINX | repository name must be lowercase",
        "registry.example.com/Team/app | repository name must be lowercase",
        "nginx: | invalid reference format",
        "nginx:bad/tag | invalid reference format",
        "registry.example.com/ | invalid reference format",
        "nginx@sha256:abc | invalid reference format",
        "nginx@sha256:e3b0c44298fc1c149afbf4c8996fb924 | invalid checksum digest length",
        "nginx@sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 | invalid checksum digest format",
        "nginx@md5:e3b0c44298fc1c149afbf4c8996fb924 | unsupported digest algorithm",
        "-nginx | invalid reference format",
        "' nginx' | invalid reference format",
        "'' | invalid reference format",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | 64-byte hexadecimal",
        "my_host:5000/app | invalid reference format",
      })
  void rejectsInvalidReferences(String reference, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(reference))
        .isInstanceOf(ImageReference.InvalidImageName.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"nginx, nginx:latest", "nginx:1, nginx:1", "nginx@" + DIGEST + ", nginx@" + DIGEST})
  void addsTheDefaultTagAsTheKubeletDoesBeforeAPull(String reference, String pulled) {
    assertThat(ImageReference.parse(reference).pull()).isEqualTo(pulled);
  }

  @org.junit.jupiter.api.Test
  void acceptsTheDigestAlgorithmsTheKubeletLinks() {
    assertThat(ImageReference.parse("app@" + DIGEST512).digest()).isEqualTo(DIGEST512);
  }

  @org.junit.jupiter.api.Test
  void limitsTheRepositoryPathNotTheWholeName() {
    String host = "registry-" + "x".repeat(60) + ".example.com";
    assertThat(ImageReference.parse(host + "/" + "a".repeat(255)).repository()).hasSize(255);
    assertThatThrownBy(() -> ImageReference.parse(host + "/" + "a".repeat(256)))
        .hasMessageContaining("not be more than 255 characters");
  }
}
