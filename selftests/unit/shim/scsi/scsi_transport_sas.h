/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-side stand-in for the parts of <scsi/scsi_transport_sas.h> that
 * mptmq_sas_pages.h uses: the same names and values as the kernel's.
 */
#ifndef _SHIM_SCSI_TRANSPORT_SAS_H
#define _SHIM_SCSI_TRANSPORT_SAS_H
#include <stddef.h>
#include <string.h>

enum sas_device_type {
	SAS_PHY_UNUSED = 0,
	SAS_END_DEVICE = 1,
	SAS_EDGE_EXPANDER_DEVICE = 2,
	SAS_FANOUT_EXPANDER_DEVICE = 3,
};

enum sas_protocol {
	SAS_PROTOCOL_SATA = 0x01,
	SAS_PROTOCOL_SMP = 0x02,
	SAS_PROTOCOL_STP = 0x04,
	SAS_PROTOCOL_SSP = 0x08,
};

enum sas_linkrate {
	SAS_LINK_RATE_UNKNOWN = 0,
	SAS_PHY_DISABLED = 1,
	SAS_PHY_RESET_PROBLEM = 2,
	SAS_SATA_SPINUP_HOLD = 3,
	SAS_SATA_PORT_SELECTOR = 4,
	SAS_PHY_RESET_IN_PROGRESS = 5,
	SAS_LINK_RATE_1_5_GBPS = 8,
	SAS_LINK_RATE_3_0_GBPS = 9,
	SAS_LINK_RATE_6_0_GBPS = 10,
	SAS_LINK_RATE_12_0_GBPS = 11,
	SAS_LINK_RATE_FAILED = 0x10,
};

struct sas_identify {
	enum sas_device_type	device_type;
	enum sas_protocol	initiator_port_protocols;
	enum sas_protocol	target_port_protocols;
	u64			sas_address;
	u8			phy_identifier;
};
#endif
