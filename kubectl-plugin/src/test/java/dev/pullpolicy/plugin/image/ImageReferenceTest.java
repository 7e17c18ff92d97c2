package dev.pullpolicy.plugin.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vectors from the container runtimes' documented normalisation (Docker Hub default, library/ for
 * single names, a first component with '.' or ':' or "localhost" is a host) and from the Kubernetes
 * docs on imagePullPolicy defaults.
 */
class ImageReferenceTest {

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
        "nginx: | invalid tag",
        "nginx:bad/tag | invalid registry",
        "registry.example.com/ | no repository",
        "nginx@sha256:abc | invalid digest",
        "-nginx | invalid repository name",
        "' nginx' | invalid image reference",
      })
  void rejectsInvalidReferences(String reference, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(reference))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }
}
