export * from './pcb/pcb';
export * from './context/frame';
