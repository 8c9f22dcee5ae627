package dev.alerthub.lifecycle;

import dev.alerthub.store.InvalidRequestException;

import java.util.List;

/**
 * The alerts of a group message ({@code group:<id>} in an acknowledgement): the firing members of
 * the store's group (docs/sinks.md#grouping, {@code alertGroups.firingIn}).
 */
public class AlertGroups {
    private final dev.alerthub.store.AlertGroups groups;

    /** No groups known: every {@code group:<id>} is unknown. */
    public AlertGroups() {
        this(null);
    }

    public AlertGroups(dev.alerthub.store.AlertGroups groups) {
        this.groups = groups;
    }

    /** The fingerprints of the group's firing alerts; InvalidRequestException (400) when there is no such group. */
    public List<String> members(String groupId) {
        long id;
        try {
            id = Long.parseLong(groupId == null ? "" : groupId.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("unknown group: " + groupId + " (expected group:<number>)");
        }
        if (groups == null || !groups.exists(id)) {
            throw new InvalidRequestException("unknown group: " + groupId);
        }
        return groups.firingIn(id);
    }
}
