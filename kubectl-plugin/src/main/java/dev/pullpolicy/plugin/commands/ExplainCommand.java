package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.cluster.DockerConfigFile;
import dev.pullpolicy.plugin.diagnose.Explanation;
import dev.pullpolicy.plugin.print.ExplainPrinter;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubectl pullpolicy explain IMAGE}: which credential the kubelet would try. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Show how an image reference is read (registry, repository, tag, digest), its default"
          + " imagePullPolicy, and which credentials the kubelet would try for it for a Pod of"
          + " the ServiceAccount given.",
      "With --dockerconfig, read the pull Secrets from a file instead of a cluster: a"
          + " config.json, a .dockercfg, or Secret manifests (YAML or JSON)."
    })
public class ExplainCommand extends ClusterCommand {

  @Parameters(index = "0", paramLabel = "IMAGE", description = "The image reference.")
  String image;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "The namespace (default: the context's).")
  String namespace;

  @Option(
      names = "--service-account",
      paramLabel = "NAME",
      defaultValue = "default",
      description = "The Pod's ServiceAccount (default: ${DEFAULT-VALUE}).")
  String serviceAccount;

  @Option(
      names = "--dockerconfig",
      paramLabel = "FILE",
      description =
          "Read the pull Secrets from FILE (a config.json, a .dockercfg, or Secret manifests)"
              + " instead of the cluster; -n and --service-account then do not apply.")
  Path dockerConfig;

  @Override
  int execute(ClusterReader reader) {
    ImageReference ref;
    try {
      ref = ImageReference.parse(image);
    } catch (ImageReference.InvalidImageName e) {
      throw PluginException.usage(e.getMessage() + " (the kubelet would report InvalidImageName)");
    }
    if (dockerConfig != null) {
      DockerConfigFile.Contents read = DockerConfigFile.read(dockerConfig);
      Explanation e = Explanation.offline(image, ref, read.describe(), read.secrets());
      print(ExplainPrinter.print(e, output.format(), output.style()));
      return ExitCode.OK;
    }
    String ns = namespace != null ? namespace : cluster.defaultNamespace();
    Optional<ServiceAccount> sa = reader.serviceAccount(ns, serviceAccount);
    List<PullSecret> secrets =
        sa.map(ServiceAccount::getImagePullSecrets).orElse(List.of()).stream()
            .map(LocalObjectReference::getName)
            .filter(n -> n != null && !n.isEmpty())
            .map(n -> reader.secret(ns, n).asPullSecret(n))
            .toList();
    Explanation e = Explanation.of(image, ref, ns, serviceAccount, sa.isPresent(), secrets);
    print(ExplainPrinter.print(e, output.format(), output.style()));
    return ExitCode.OK;
  }
}
