include $(sort $(wildcard $(BR2_EXTERNAL_BOXCAR_PATH)/package/*/*.mk))
