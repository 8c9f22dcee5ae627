package dev.alerthub.remediate;

/**
 * What an action changes, for the audit and Slack, and the request that changes it.
 *
 * @param fromRevision the Deployment's revision before the action
 * @param toRevision   for a rollback, the revision whose pod template is restored (the Deployment then
 *                     reports it under a new revision number, as {@code kubectl rollout history} shows)
 * @param fromTemplate for a rollback, {@link Rollouts#templateKey} of the template replaced
 * @param toTemplate   for a rollback, {@link Rollouts#templateKey} of the template restored
 * @param patch        the patch document sent (JSON Patch for rollback, merge patch for restart);
 *                     null for scale, which goes through the scale subresource
 */
public record Change(String fromRevision, String fromImage, String toRevision, String toImage,
                     Integer fromReplicas, Integer toReplicas, String fromTemplate, String toTemplate, String patch) {

    public static Change scale(String revision, String image, int from, int to) {
        return new Change(revision, image, revision, image, from, to, null, null, null);
    }
}
