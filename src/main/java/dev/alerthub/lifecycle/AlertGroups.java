package dev.alerthub.lifecycle;

import dev.alerthub.store.InvalidRequestException;

import java.util.List;

/**
 * The alerts of a group message ({@code group:<id>} in an acknowledgement). Until groups are kept,
 * no group is known; the grouping work fills this lookup in.
 */
public class AlertGroups {
    /** The fingerprints of the group's alerts; InvalidRequestException (400) when there is no such group. */
    public List<String> members(String groupId) {
        throw new InvalidRequestException("unknown group: " + groupId);
    }
}
